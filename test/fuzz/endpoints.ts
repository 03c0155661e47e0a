/**
 * The endpoints to fuzz, read from the app's own route table (Hono's `app.routes`), so a route
 * added tomorrow is fuzzed without touching the tests. Each is paired with its OpenAPI operation
 * when there is one, for the JSON Schema of its body and query.
 */
import { z } from "zod";
import { app } from "../../worker/app";
import { operations, type Operation } from "../../worker/openapi/operations";

type Json = Record<string, any>;

export interface Endpoint {
  method: string;
  /** Hono's pattern: `/api/v1/surveys/:surveyId/responses/:id`, `/admin/*`. */
  path: string;
  params: string[];
  /** HTML pages and static assets answer HTML; only the JSON API owes the JSON error shape. */
  html: boolean;
  body?: Json;
  query?: Json;
}

const toJsonSchema = (s: z.ZodType): Json => z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Json;
/** `/a/:x/b/{y}` → `/a/{}/b/{}`, to match Hono's patterns with the OpenAPI paths. */
const shape = (p: string) => p.replace(/:\w+|\{\w+\}/g, "{}");

export function endpoints(): Endpoint[] {
  const ops = new Map<string, Operation>(operations.map((o) => [`${o.method.toUpperCase()} ${shape(o.path)}`, o]));
  const seen = new Map<string, Endpoint>();
  for (const r of app.routes) {
    // `ALL` entries are middleware (`app.use`): they run inside the routes below.
    if (r.method === "ALL") continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue; // Hono lists a route once per handler (middleware + handler).
    const op = ops.get(`${r.method} ${shape(r.path)}`);
    seen.set(key, {
      method: r.method,
      path: r.path,
      params: [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]!),
      html: !r.path.startsWith("/api/"),
      body: op?.body ? toJsonSchema(op.body) : undefined,
      query: op?.query ? toJsonSchema(op.query) : undefined,
    });
  }
  return [...seen.values()];
}

export const routeKey = (e: Pick<Endpoint, "method" | "path">) => `${e.method} ${e.path}`;
