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
 * - a write starts on the primary ("first-primary"), whatever bookmark it carries: the caller is
 *   resolved in the same session, so a revoked key or an ended session can never write on the
 *   strength of a replica that has not seen the revocation yet (docs/SECURITY.md, "Read replicas
 *   and revocation"); the primary is at least as recent as any bookmark anyway;
 * - a read that carries the bookmark of an earlier answer (`x-d1-bookmark`, which the admin page
 *   echoes) reads a copy at least that recent, so a page that just saved sees its save;
 * - any other read may be served by the nearest replica ("first-unconstrained"), a few seconds
 *   behind the primary at most: fine for a dashboard.
 * A bookmark of any other shape is ignored, never passed to D1.
 */
export function sessionStart(method: string, bookmark: string | undefined): D1SessionConstraint | D1SessionBookmark {
  if (method !== "GET" && method !== "HEAD") return "first-primary";
  return bookmark && BOOKMARK_SHAPE.test(bookmark) ? bookmark : "first-unconstrained";
}

/** One drizzle client per request, on the context, through a D1 session; every answer carries the session's latest bookmark back. */
export const withDb = createMiddleware<AppEnv>(async (c, next) => {
  const write = c.req.method !== "GET" && c.req.method !== "HEAD";
  if (c.req.path.startsWith("/s/") || (write && PUBLIC_WRITE.test(c.req.path))) {
    c.set("db", createDb(c.env.DB));
    return next();
  }
  const session = c.env.DB.withSession(sessionStart(c.req.method, c.req.header(BOOKMARK_HEADER)));
  // A session has the statement methods drizzle uses (prepare, batch); `exec` and `dump` are not
  // called on request paths.
  c.set("db", createDb(session as unknown as D1Database));
  await next();
  const bookmark = session.getBookmark();
  if (bookmark) c.header(BOOKMARK_HEADER, bookmark);
});
