/**
 * Who is calling. API clients send `Authorization: Bearer <key>`: the bootstrap ADMIN_API_KEY, or a
 * key from `api_keys` (stored as SHA-256). The admin page's session cookie is resolved here too
 * (worker/auth/ adds it), so every route sees one `principal` whatever the way in.
 */
import { and, eq, isNull } from "drizzle-orm";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { apiKeys, users, type Role } from "../db/schema";
import type { AppEnv, Principal } from "../env";
import { forbidden, unauthorized } from "../lib/errors";
import { sha256Hex, timingSafeEqual } from "../lib/ids";

/** Roles in order of rights: a key's rights are the lower of its own role and its user's. */
export const RANK: Record<Role, number> = { viewer: 0, manager: 1, admin: 2 };

async function principalFromBearer(c: Context<AppEnv>): Promise<Principal | null> {
  const header = c.req.header("authorization");
  if (!header) return null;
  const m = /^Bearer\s+(\S{16,200})$/i.exec(header);
  if (!m) throw unauthorized("Malformed Authorization header (expected: Bearer <key>)");
  return principalForKey(c, m[1]!);
}

/**
 * The principal behind an API key (or the bootstrap key), whatever header carried it: Bearer on
 * /api, HTTP Basic on the Delighted-compatible /v1. Throws 401 for an unknown or revoked key.
 */
export async function principalForKey(c: Context<AppEnv>, key: string): Promise<Principal> {
  if (c.env.ADMIN_API_KEY && timingSafeEqual(key, c.env.ADMIN_API_KEY)) {
    return { kind: "bootstrap", userId: null, role: "admin", keyId: null, scopes: ["read", "write"] } satisfies Principal;
  }
  const row = await c.var.db
    .select({
      id: apiKeys.id,
      role: apiKeys.role,
      userId: apiKeys.userId,
      lastUsedAt: apiKeys.lastUsedAt,
      scopes: apiKeys.scopes,
      userRole: users.role,
      userDisabledAt: users.disabledAt,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.userId))
    .where(and(eq(apiKeys.keyHash, await sha256Hex(key)), isNull(apiKeys.revokedAt)))
    .get();
  // A key bound to a user dies with the user's access (disabled users keep no back door); a
  // user-bound key whose user row is gone is as dead.
  if (!row || row.userDisabledAt || (row.userId !== null && row.userRole === null)) {
    throw unauthorized("Unknown or revoked API key");
  }
  // "Last used" for the admin page, written at most hourly so busy keys do not write per request.
  const now = Date.now();
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > 3600_000) {
    await c.var.db
      .update(apiKeys)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(apiKeys.id, row.id));
  }
  // Rights are re-read at every request: a key never outranks its user's *current* role, so
  // demoting the user demotes the key at once (an admin key of a new viewer reads, nothing more).
  const role = row.userRole && RANK[row.userRole] < RANK[row.role] ? row.userRole : row.role;
  return { kind: "api_key", userId: row.userId, role, keyId: row.id, scopes: row.scopes } satisfies Principal;
}

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Session resolvers registered by worker/auth (kept as a list so this file has no cycle). */
export type SessionResolver = (c: Context<AppEnv>) => Promise<Principal | null>;
const sessionResolvers: SessionResolver[] = [];
export const registerSessionResolver = (r: SessionResolver) => void sessionResolvers.push(r);

/** Requires a signed-in caller with one of `roles` (default: any role). */
export const requireAuth = (...roles: Role[]) =>
  createMiddleware<AppEnv>(async (c, next) => {
    let principal: Principal | null = await principalFromBearer(c);
    for (const resolve of sessionResolvers) principal ??= await resolve(c);
    if (!principal) throw unauthorized();
    if (roles.length > 0 && !roles.includes(principal.role)) throw forbidden();
    // A key's scopes narrow its role: a read-only key reads whatever its role may read, and
    // changes nothing (GET and HEAD only).
    if (principal.scopes && !principal.scopes.includes(WRITE_METHODS.has(c.req.method) ? "write" : "read")) {
      throw forbidden(`This API key lacks the ${WRITE_METHODS.has(c.req.method) ? "write" : "read"} scope`);
    }
    c.set("principal", principal);
    await next();
  });
