import { createDb } from "../db/client";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env";

/** The header a client echoes so its reads are never older than its own last write. */
export const BOOKMARK_HEADER = "x-d1-bookmark";
/** D1 bookmarks are hex groups joined by dashes; anything else is ignored, never passed to D1. */
const BOOKMARK_SHAPE = /^[0-9a-f]{1,16}(-[0-9a-f]{1,64}){0,7}$/i;
/**
 * Respondents' writes stay on the plain binding: the answer path batches the statements of
 * concurrent requests into one D1 batch (services/groupCommit.ts), which must not mix sessions,
 * and a respondent never reads back what they wrote. The link page (/s/…) records answers too.
 */
const PUBLIC_WRITE = /^\/api\/v1\/surveys\/[^/]+\/(responses|dismissals)(\/|$)/;

/**
 * Where a request's D1 session starts (read replication):
 * - a write starts on the primary ("first-primary"), whatever bookmark it carries: what it reads
 *   before writing (the caller's key or session, their scope, the row it changes) is then never
 *   older than the latest write, so a revoked key, an ended session or a manager whose account was
 *   just reassigned cannot write on the strength of a replica that has not seen it yet
 *   (docs/SECURITY.md, "Read replicas and revocation"); a bookmark only promises "at least as
 *   recent as my last request", and the primary is at least as recent as any bookmark anyway;
 * - a read that carries the bookmark of an earlier answer (`x-d1-bookmark`, which the admin page
 *   echoes) reads a copy at least that recent, so a page that just saved sees its save;
 * - an API client's read without a bookmark (`apiClient`: an `Authorization` header, from a
 *   script, a CRM, Delighted's official clients on /v1) starts on the primary: those clients do
 *   not echo bookmarks, and the read that follows their own write (the survey or answer just
 *   created) must find it, not a replica's 404. Sending `x-d1-bookmark` back opts them into replicas;
 * - the admin page's read without a bookmark (its first) may be served by the nearest replica
 *   ("first-unconstrained"), a few seconds behind the primary at most: fine for a dashboard.
 * A bookmark of any other shape is ignored, never passed to D1.
 */
export function sessionStart(method: string, bookmark: string | undefined, apiClient: boolean): D1SessionConstraint | D1SessionBookmark {
  if (method !== "GET" && method !== "HEAD") return "first-primary";
  if (bookmark && BOOKMARK_SHAPE.test(bookmark)) return bookmark;
  return apiClient ? "first-primary" : "first-unconstrained";
}

/** One drizzle client per request, on the context, through a D1 session; every answer carries the session's latest bookmark back. */
export const withDb = createMiddleware<AppEnv>(async (c, next) => {
  const write = c.req.method !== "GET" && c.req.method !== "HEAD";
  if (c.req.path.startsWith("/s/") || (write && PUBLIC_WRITE.test(c.req.path))) {
    c.set("db", createDb(c.env.DB));
    return next();
  }
  const session = c.env.DB.withSession(sessionStart(c.req.method, c.req.header(BOOKMARK_HEADER), c.req.header("authorization") !== undefined));
  // A session has the statement methods drizzle uses (prepare, batch); `exec` and `dump` are not
  // called on request paths.
  c.set("db", createDb(session as unknown as D1Database));
  await next();
  const bookmark = session.getBookmark();
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
});
