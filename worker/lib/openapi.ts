/**
 * What every route definition shares: the router factory (with the hook that turns zod failures
 * into our error shape), the JSON body reader, security requirements, and error responses.
 * A route is declared once with `createRoute` (params, query, body, responses, security); that one
 * object drives validation, the OpenAPI document and the `hc` client types.
 */
import { OpenAPIHono, z, type Hook } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";
import { MAX_BODY_BYTES, readJson, zodError, type ValidationTarget } from "./validate";

/** Every validation failure, whichever part of the request: 400 `invalid_field` naming the field. */
export const defaultHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) throw zodError(result.error, result.target === "json" ? "body" : (result.target as ValidationTarget));
};

/** A sub-app whose routes are declared with `createRoute` and mounted with `.openapi()`. */
export const router = () => new OpenAPIHono<AppEnv>({ defaultHook });

/**
 * Reads the body as JSON with a size cap, whatever its content type, before the route's validator
 * runs: the widget posts `text/plain` (no CORS preflight), and zod-openapi's validator only
 * parses `application/json`. The request is handed on as `application/json` with the text read.
 */
export const jsonBody = (maxBytes = MAX_BODY_BYTES) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const data = await readJson(c.req.raw, maxBytes);
    const headers = new Headers(c.req.raw.headers);
    headers.set("content-type", "application/json");
    headers.delete("content-length");
    // No body: the validator reads the parsed value from bodyCache (hono reads a cached body
    // first), and the raw body was consumed above; serialising it again for a new body stream
    // cost every answer a JSON.stringify and a stream.
    c.req.raw = new Request(c.req.raw.url, { method: c.req.raw.method, headers });
    c.req.bodyCache = { json: Promise.resolve(data) };
    await next();
  });

/** A required JSON request body. */
export const body = <S extends z.ZodType>(schema: S) => ({
  required: true,
  content: { "application/json": { schema } },
});

/** A JSON body that may also come as `text/plain` (the widget's, so browsers send no preflight). */
export const plainBody = <S extends z.ZodType>(schema: S) => ({
  required: true,
  content: { "application/json": { schema }, "text/plain": { schema } },
});

/** A JSON response. */
export const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** A response with a non-JSON body (CSV, HTML, JavaScript), described by its media type. */
export const text = (mediaType: string, description: string) => ({
  description,
  content: { [mediaType]: { schema: z.string() } },
});

/** A response without a body (204). */
export const empty = (description: string) => ({ description });

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ description: "Stable: clients branch on it (`invalid_field`, `not_found`…)" }),
      message: z.string(),
      field: z.string().optional().openapi({ description: "The offending field, dotted (`contact.email`)" }),
      requestId: z.string(),
    }),
  })
  .openapi("Error");

const ERROR_TEXT = {
  400: "Invalid input: `invalid_field` naming the field, `invalid_json`…",
  401: "No or wrong API key or session",
  403: "Not allowed for this role (or origin)",
  404: "Not found",
  409: "Conflict",
  410: "Gone",
  413: "Body too large",
  415: "Unsupported media type",
  429: "Too many requests",
} as const;
type ErrorStatus = keyof typeof ERROR_TEXT;

type ErrorResponse = { description: string; content: { "application/json": { schema: typeof ErrorSchema } } };

/** An error response in the one error shape, with a route's own wording. */
export const error = (description: string): ErrorResponse => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

/** Error responses with the default wording: `...errors(400, 401, 404)`. */
export function errors<const C extends ErrorStatus>(...codes: C[]): { [K in C]: ErrorResponse } {
  return Object.fromEntries(codes.map((code) => [code, error(ERROR_TEXT[code])])) as { [K in C]: ErrorResponse };
}

/** Security requirements: an API key (`Authorization: Bearer`) or the admin page's session cookie. */
export const KEY_OR_SESSION: Record<string, string[]>[] = [{ bearer: [] }, { session: [] }];
export const PUBLIC: Record<string, string[]>[] = [];

/** Path parameters: plain strings (an unknown id is a 404 from the handler, not a 400). */
export const params = <const K extends string>(...names: K[]) =>
  z.object(Object.fromEntries(names.map((n) => [n, z.string()])) as { [N in K]: z.ZodString });
