/**
 * Request bodies and zod errors, with our error shape. Bodies are read as text with a size cap and
 * parsed here whatever their content type, so `text/plain` bodies (the widget sends them to avoid a
 * CORS preflight) and JSON bodies go through the same checks.
 */
import type { z } from "zod";
import { ApiError, badRequest } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;

export type ValidationTarget = "body" | "query" | "param" | "header" | "cookie";

/** First zod issue, as an ApiError naming the field (`contact.email`, `score`). */
export function zodError(error: z.ZodError, where: ValidationTarget): ApiError {
  const issue = error.issues[0];
  // An unknown key is named too (`scope.foo`), so every 400 says which field to fix.
  const path = issue ? [...issue.path.map(String), ...(issue.code === "unrecognized_keys" ? issue.keys.slice(0, 1) : [])] : [];
  const field = path.join(".") || undefined;
  const message = issue ? `${field ?? where}: ${issue.message}` : `invalid ${where}`;
  return new ApiError(400, "invalid_field", message, field);
}

/** The body as JSON: 413 `body_too_large` past `maxBytes` (chunked bodies too), 400 `invalid_json`. */
export async function readJson(req: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new ApiError(413, "body_too_large", `Body over ${maxBytes} bytes`);
  const raw = await readCapped(req, maxBytes);
  try {
    return JSON.parse(raw);
  } catch {
    throw badRequest("invalid_json", "Body is not valid JSON");
  }
}

async function readCapped(req: Request, maxBytes: number): Promise<string> {
  const all = await readBytesCapped(req, maxBytes);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(all);
  } catch {
    throw badRequest("invalid_json", "Body is not valid UTF-8");
  }
}

/**
 * The body's bytes, stopping with 413 `body_too_large` as soon as they pass `maxBytes`: a chunked
 * body (no Content-Length) is never held whole before its size is known.
 */
export async function readBytesCapped(req: Request, maxBytes: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array();
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
  return all;
}
