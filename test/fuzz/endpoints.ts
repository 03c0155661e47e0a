/**
 * The endpoints to fuzz, read from the app's own route table (Hono's `app.routes`), so a route
 * added tomorrow is fuzzed without touching the tests. Each is paired with its operation in the
 * OpenAPI document generated from the route definitions (the same zod schemas that validate the
 * request), for the JSON Schema of its body and query.
 */
import { app, generatedDocument } from "../../worker/app";
import { delightedOpenApi } from "../../worker/openapi/delightedDocument";

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

/** `/a/:x/b/{y}` → `/a/{}/b/{}`, to match Hono's patterns with the OpenAPI paths. */
const shape = (p: string) => p.replace(/:\w+|\{\w+\}/g, "{}");

/** The schema with every `$ref` to a component replaced by the component itself. */
function inline(schema: unknown, components: Record<string, Json>, depth = 0): any {
  if (Array.isArray(schema)) return schema.map((s) => inline(s, components, depth));
  if (!schema || typeof schema !== "object" || depth > 20) return schema;
  const ref = (schema as Json).$ref;
  if (typeof ref === "string") return inline(components[ref.replace("#/components/schemas/", "")], components, depth + 1);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, inline(v, components, depth)]));
}

export function endpoints(): Endpoint[] {
  const doc = generatedDocument() as unknown as { paths: Record<string, Record<string, Json>>; components?: { schemas?: Record<string, Json> } };
  const components = doc.components?.schemas ?? {};
  const ops = new Map<string, Json>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) ops.set(`${method.toUpperCase()} ${shape(path)}`, op);
  }
  // The Delighted-compatible surface has its own document (paths relative to /v1), built from the
  // zod schemas its routes parse with: without it, /v1 bodies were never shaped like the real ones.
  const v1 = delightedOpenApi("http://localhost") as unknown as { paths: Record<string, Record<string, Json>> };
  for (const [path, methods] of Object.entries(v1.paths)) {
    for (const [method, op] of Object.entries(methods)) ops.set(`${method.toUpperCase()} ${shape(`/v1${path}`)}`, op);
  }
  const seen = new Map<string, Endpoint>();
  for (const r of app.routes) {
    // `ALL` entries are middleware (`app.use`): they run inside the routes below.
    if (r.method === "ALL") continue;
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue; // Hono lists a route once per handler (middleware + handler).
    const op = ops.get(`${r.method} ${shape(r.path)}`);
    const body = op?.requestBody?.content?.["application/json"]?.schema;
    const query = ((op?.parameters ?? []) as Json[]).filter((p) => p.in === "query");
    seen.set(key, {
      method: r.method,
      path: r.path,
      params: [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]!),
      html: !r.path.startsWith("/api/"),
      body: body ? inline(body, components) : undefined,
      query: query.length
        ? {
            type: "object",
            properties: Object.fromEntries(query.map((p) => [p.name, inline(p.schema, components)])),
            required: query.filter((p) => p.required).map((p) => p.name),
          }
        : undefined,
    });
  }
  return [...seen.values()];
}

export const routeKey = (e: Pick<Endpoint, "method" | "path">) => `${e.method} ${e.path}`;
