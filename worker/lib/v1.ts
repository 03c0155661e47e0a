/**
 * The Delighted-compatible surface speaks Delighted's HTTP dialect, not Baromètre's:
 * - HTTP Basic auth with the API key as user name (`key:` as the official clients send it, or `key`);
 * - JSON bodies, or form-encoded ones with PHP brackets (`properties[plan]=pro`, `expand[]=person`);
 * - answers 200/201/202 only (never 204: the Node client parses the body before the status),
 *   errors `{"status", "message", "errors"?: {field: [messages]}}`, 429 with `Retry-After`.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { AppEnv } from "../env";
import { ApiError } from "./errors";
import { readBytesCapped } from "./validate";

export class V1Error extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly errors?: Record<string, string[]>,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

export const invalid = (field: string, message: string) => new V1Error(422, "Record is invalid", { [field]: [message] });
export const v1NotFound = (what: string) => new V1Error(404, `${what} not found`);

export const MAX_V1_BODY = 64 * 1024;

/** Unix seconds, as Delighted writes every instant. */
export const unix = (d: Date | number | null | undefined) => (d == null ? null : Math.floor((typeof d === "number" ? d : d.getTime()) / 1000));

/**
 * Sets `a[b][c]` / `a[]` style keys (PHP's http_build_query, Rails' params) into `target`.
 * Bounded depth; a key that would both be a scalar and an object keeps the first.
 */
export function setBracketed(target: Record<string, unknown>, key: string, value: string): void {
  const m = /^([^[\]]+)((?:\[[^[\]]*\]){0,4})$/.exec(key);
  if (!m) return;
  const path = [m[1]!, ...[...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
  let node: any = target;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    const last = i === path.length - 1;
    if (part === "") {
      if (!Array.isArray(node)) return;
      if (last) node.push(value);
      return; // nested objects inside arrays are not needed by any client
    }
    if (part === "__proto__" || part === "constructor" || part === "prototype") return;
    if (last) {
      if (!(part in node)) node[part] = value;
      return;
    }
    const nextIsArray = path[i + 1] === "";
    if (!(part in node)) node[part] = nextIsArray ? [] : {};
    node = node[part];
    if (typeof node !== "object" || node === null) return;
  }
}

export function parseForm(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) setBracketed(out, k, v);
  return out;
}

async function readText(c: Context<AppEnv>): Promise<string> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > MAX_V1_BODY) throw new V1Error(413, `Body over ${MAX_V1_BODY} bytes`);
  // Capped as it streams: a chunked body is never read whole before its size is known.
  const buf = await readBytesCapped(c.req.raw, MAX_V1_BODY).catch((e: unknown) => {
    throw e instanceof ApiError && e.status === 413 ? new V1Error(413, `Body over ${MAX_V1_BODY} bytes`) : e;
  });
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(buf);
  } catch {
    throw new V1Error(400, "Body is not valid UTF-8");
  }
}

/** The request body as an object, from JSON or a form; an empty body is `{}`. */
export async function v1Body(c: Context<AppEnv>): Promise<Record<string, unknown>> {
  const text = await readText(c);
  if (text.trim() === "") return {};
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (type.startsWith("application/x-www-form-urlencoded")) return parseForm(text);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new V1Error(400, "Body is not valid JSON");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw new V1Error(400, "Body must be a JSON object");
  return data as Record<string, unknown>;
}

/** The query string with bracketed keys folded (`expand[]=person` and `expand=person` alike). */
export function v1Query(c: Context<AppEnv>): Record<string, unknown> {
  return parseForm(new URL(c.req.url).search.slice(1));
}

/** zod → Delighted's 422: every failing field with its messages. */
export function parseV1<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const errors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join(".") || (issue.code === "unrecognized_keys" ? issue.keys[0]! : "base");
    (errors[field] ??= []).push(issue.message);
  }
  return (() => {
    throw new V1Error(422, "Record is invalid", errors);
  })();
}

export function v1ErrorBody(status: number, message: string, errors?: Record<string, string[]>) {
  return { status, message, ...(errors ? { errors } : {}) };
}
