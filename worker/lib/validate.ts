/**
 * Request parsing through zod, with our error shape. Bodies are read as text with a size cap and
 * parsed here, so `text/plain` bodies (the widget sends them to avoid a CORS preflight) and JSON
 * bodies go through the same checks.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { ApiError, badRequest } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;

/** First zod issue, as an ApiError naming the field (`contact.email`, `score`). */
export function zodError(error: z.ZodError, where: "body" | "query" | "param"): ApiError {
  const issue = error.issues[0];
  // An unknown key is named too (`scope.foo`), so every 400 says which field to fix.
  const path = issue ? [...issue.path.map(String), ...(issue.code === "unrecognized_keys" ? issue.keys.slice(0, 1) : [])] : [];
  const field = path.join(".") || undefined;
  const message = issue ? `${field ?? where}: ${issue.message}` : `invalid ${where}`;
  return new ApiError(400, "invalid_field", message, field);
}

export async function readBody<S extends z.ZodType>(
  c: Context,
  schema: S,
  maxBytes = MAX_BODY_BYTES,
): Promise<z.infer<S>> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > maxBytes) throw new ApiError(413, "body_too_large", `Body over ${maxBytes} bytes`);
  const raw = await readCapped(c.req.raw, maxBytes);
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw badRequest("invalid_json", "Body is not valid JSON");
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw zodError(parsed.error, "body");
  return parsed.data;
}

async function readCapped(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new ApiError(413, "body_too_large", `Body over ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    all.set(ch, at);
    at += ch.byteLength;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(all);
  } catch {
    throw badRequest("invalid_json", "Body is not valid UTF-8");
  }
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw zodError(parsed.error, "query");
  return parsed.data;
}
