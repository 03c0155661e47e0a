/**
 * The one cursor codec of every keyset-paginated list (accounts, contacts, responses, comments):
 * the last row's sort key as base64url JSON, opaque to clients. UTF-8 safe, so a name in any
 * script can be a sort key. A cursor that is not one of ours is a 400 naming `before`, never a
 * silent restart from the first page.
 */
import { ApiError } from "./errors";

const toBase64Url = (s: string) => {
  let bin = "";
  for (const b of new TextEncoder().encode(s)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
};

const fromBase64Url = (s: string) =>
  new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(
    Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0)),
  );

/** A cursor's characters (base64url), for query schemas. */
export const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,2000}$/;

export const encodeCursor = (key: string[]): string => toBase64Url(JSON.stringify(key));

/** The sort key in `before` (null when absent); 400 `invalid_field` on `before` when it is not ours. */
export function decodeCursor(before: string | undefined, arity: number): string[] | null {
  if (!before) return null;
  try {
    const v: unknown = JSON.parse(fromBase64Url(before));
    if (Array.isArray(v) && v.length === arity && v.every((x) => typeof x === "string")) return v as string[];
  } catch {
    /* not ours */
  }
  throw new ApiError(400, "invalid_field", "before: not a cursor from this list", "before");
}
