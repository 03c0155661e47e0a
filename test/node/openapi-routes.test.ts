/**
 * The OpenAPI document against the app's real route table: every /api route Hono will answer
 * must be in the document (so a route added without a definition fails here), and the document
 * must be valid OpenAPI 3.1.
 */
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { app, generatedDocument } from "../../worker/app";

/** Hono's route table: `/api/v1/surveys/:surveyId` → `/api/v1/surveys/{surveyId}`. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");

/** method + path of every /api handler; `use()` middleware is registered with method ALL. */
export function apiRoutes(routes: { method: string; path: string }[]): string[] {
  const keys = routes
    .filter((r) => r.method !== "ALL" && r.path.startsWith("/api/"))
    .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`);
  return [...new Set(keys)].sort();
}

export function documentedRoutes(doc: { paths?: Record<string, Record<string, unknown>> }): string[] {
  const methods = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
  return Object.entries(doc.paths ?? {})
    .flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => methods.has(m))
        .map((m) => `${m} ${path}`),
    )
    .sort();
}

describe("the OpenAPI document", () => {
  const doc = generatedDocument() as unknown as { paths: Record<string, Record<string, unknown>> };

  it("lists every /api route of the app's route table", () => {
    const routes = apiRoutes(app.routes);
    expect(routes.length).toBeGreaterThan(60);
    const documented = new Set(documentedRoutes(doc));
    expect(routes.filter((r) => !documented.has(r))).toEqual([]);
  });

  it("lists no route the app does not answer", () => {
    const routes = new Set(apiRoutes(app.routes));
    expect(documentedRoutes(doc).filter((r) => !routes.has(r))).toEqual([]);
  });

  it("is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });
});
