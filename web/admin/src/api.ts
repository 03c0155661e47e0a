/**
 * The API client. Calls go through `hc<AppType>` so the Worker's route types (query, body and
 * response) flow into the page. A route missing from the deployed Worker is reported as
 * `Unavailable` so pages can say so instead of faking data.
 */
import { hc } from "hono/client";
// The Worker's `AppType` (worker/app.ts), through its emitted declarations: see tsconfig.json.
import type { AppType } from "barometre-api";

/** Session state the client needs on every call. Set by the session store after login / me. */
let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};
export const setCsrfToken = (t: string | null) => void (csrfToken = t);
export const setUnauthorizedHandler = (f: () => void) => void (onUnauthorized = f);

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The latest D1 bookmark the Worker sent (worker/middleware/db.ts). Sent back on every request,
 * so a read served by a replica is never older than this page's own last write. Kept in
 * localStorage too: after a reload (the "did it save?" F5) or in another tab, the first reads
 * would otherwise go to any replica, which may not have the save yet. A bookmark is only a
 * position in the database's history, nothing private.
 */
const BOOKMARK_KEY = "barometre.d1-bookmark";
let bookmark: string | null = null;

/** Bookmarks sort lexicographically: the newer of ours and the one another tab or load stored. */
function newestBookmark(): string | null {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(BOOKMARK_KEY);
  } catch {
    /* storage unavailable (private mode, disabled): memory only */
  }
  return stored && (!bookmark || stored > bookmark) ? stored : bookmark;
}

function rememberBookmark(latest: string): void {
  const newest = newestBookmark();
  if (newest && newest >= latest) return;
  bookmark = latest;
  try {
    localStorage.setItem(BOOKMARK_KEY, latest);
  } catch {
    /* memory only */
  }
}

/** Every request: same-origin cookie, and the CSRF token on anything that changes state. */
export async function apiFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const method = (init.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  if (MUTATING.has(method) && csrfToken) headers.set("X-CSRF-Token", csrfToken);
  bookmark = newestBookmark();
  if (bookmark) headers.set("x-d1-bookmark", bookmark);
  const res = await fetch(input, { ...init, method, headers, credentials: "same-origin" });
  const latest = res.headers.get("x-d1-bookmark");
  // Keep the newest, whatever order answers arrive in.
  if (latest) rememberBookmark(latest);
  if (res.status === 401 && !String(input instanceof Request ? input.url : input).includes("/auth/")) onUnauthorized();
  return res;
}

export const client = hc<AppType>(location.origin, { fetch: apiFetch });

/**
 * The query of an hc call, typed by the route's query schema, with the filter bar's empty values
 * (undefined, null, "") dropped so they do not reach the server as `?segment=`.
 */
export function withQuery<Q extends object>(query: Q): { query: Q } {
  return { query: Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined && v !== null && v !== "")) as Q };
}

/** The API's error shape, as an exception. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The route itself is not deployed (an older Worker): not the same as "no such row". */
export class Unavailable extends Error {
  constructor(readonly path: string) {
    super(`Not available: ${path}`);
  }
}

/** The body of the successful responses of an `hc` call (the route's response schemas say what it is). */
export type OkBody<R> = R extends { json(): Promise<infer T> } ? (R extends { ok: false } ? never : T) : never;

/** Turns a Response into its JSON body, or throws ApiError / Unavailable. */
export async function unwrap<R extends { ok: boolean; status: number; json(): Promise<unknown> }>(res: R): Promise<OkBody<R>> {
  if (res.ok) return (res.status === 204 ? null : await res.json()) as OkBody<R>;
  let body: { error?: { code?: string; message?: string; field?: string } } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    /* not JSON */
  }
  const e = body.error ?? {};
  if (res.status === 404 && e.code === "not_found" && e.message === "No such route") {
    throw new Unavailable("url" in res && typeof res.url === "string" ? new URL(res.url).pathname : "");
  }
  throw new ApiError(res.status, e.code ?? "http_" + res.status, e.message ?? res.status + "", e.field);
}

/**
 * Uploads a file as the raw request body with upload progress (fetch reports none): same origin,
 * the session cookie and the CSRF token, errors as ApiError like every other call.
 */
export function uploadFile<T>(path: string, file: Blob, contentType: string, onProgress: (sent: number, total: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.setRequestHeader("Content-Type", contentType);
    if (csrfToken) xhr.setRequestHeader("X-CSRF-Token", csrfToken);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, "network", "The upload did not reach the server"));
    xhr.onload = () => {
      let body: { error?: { code?: string; message?: string; field?: string } } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      if (xhr.status === 401) onUnauthorized();
      const e = body.error ?? {};
      reject(new ApiError(xhr.status, e.code ?? "http_" + xhr.status, e.message ?? String(xhr.status), e.field));
    };
    xhr.send(file);
  });
}
