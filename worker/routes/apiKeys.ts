/**
 * API keys for servers: the list (never the keys), issuing one (shown this once), revoking one
 * (the row stays, for the record).
 * Admins manage every key and pick the user a key acts for. A manager, signed in, manages their
 * own keys only: a manager key bound to themselves (userId is theirs whatever the body says, and
 * naming someone else is a 403), so a key never sees more than its manager does. A key cannot
 * mint keys for a manager: only their session can.
 * D1 keeps the SHA-256 of the key; `prefix` lets people tell keys apart. A manager key acts as
 * its user: it sees that manager's accounts only, and stops working if the user is disabled.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { desc, eq } from "drizzle-orm";
import { apiKeys, users } from "../db/schema";
import type { Principal } from "../env";
import { badRequest, forbidden, notFound } from "../lib/errors";
import { newId, newSecret, sha256Hex } from "../lib/ids";
import { body, empty, errors, json, jsonBody, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { RANK, requireAuth } from "../middleware/auth";
import { audit } from "../auth/audit";
import { ApiKeySchema, CreateApiKeySchema, NewApiKeySchema } from "../schemas/apiKeys";

type ApiKeyRow = typeof apiKeys.$inferSelect;

/**
 * null for admins (every key); the manager's user id for a manager's own session; a 403 for a
 * manager calling with a key (keys do not mint keys) or without a user.
 */
function selfServiceUser(p: Principal): string | null {
  if (p.role === "admin") return null;
  if (p.role !== "manager" || p.kind !== "session" || !p.userId) throw forbidden("Only admins, and managers signed in, manage API keys");
  return p.userId;
}

export const apiKeyView = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  prefix: k.prefix,
  role: k.role,
  scopes: k.scopes,
  userId: k.userId,
  createdBy: k.createdBy,
  createdAt: k.createdAt.toISOString(),
  lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  revokedAt: k.revokedAt?.toISOString() ?? null,
});

const tags = ["api-keys"];

const list = createRoute({
  method: "get",
  path: "/",
  summary: "List API keys (admins: every key; a manager signed in: their own)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin", "manager")] as const,
  responses: { 200: json(z.object({ data: z.array(ApiKeySchema) }), "Newest first"), ...errors(401, 403) },
});

const create = createRoute({
  method: "post",
  path: "/",
  summary: "Issue an API key (admins; a manager signed in: a manager key for themselves); the key is shown once. A key never outranks its user",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin", "manager"), jsonBody(4096)] as const,
  request: { body: body(CreateApiKeySchema) },
  responses: { 201: json(NewApiKeySchema, "The key's record and `key`"), ...errors(400, 401, 403, 413) },
});

const revoke = createRoute({
  method: "delete",
  path: "/{keyId}",
  summary: "Revoke an API key (admins; a manager signed in: their own)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin", "manager")] as const,
  request: { params: params("keyId") },
  responses: { 204: empty("Revoked (also when it already was)"), ...errors(401, 403, 404) },
});

export const apiKeysRoute = router()
  .openapi(list, async (c) => {
    const own = selfServiceUser(c.var.principal);
    const rows = await c.var.db
      .select()
      .from(apiKeys)
      .where(own === null ? undefined : eq(apiKeys.userId, own))
      .orderBy(desc(apiKeys.createdAt))
      .all();
    return c.json({ data: rows.map(apiKeyView) }, 200);
  })

  .openapi(create, async (c) => {
    const body = { ...c.req.valid("json") };
    const own = selfServiceUser(c.var.principal);
    if (own !== null) {
      if (body.role !== "manager") throw forbidden("A manager creates manager keys for themselves only");
      if (body.userId !== undefined && body.userId !== own) throw forbidden("A manager creates keys for themselves only");
      body.userId = own;
    }
    if (body.userId !== undefined) {
      const owner = await c.var.db.select({ role: users.role, disabledAt: users.disabledAt }).from(users).where(eq(users.id, body.userId)).get();
      if (!owner || owner.disabledAt) throw badRequest("invalid_user", "No such active user", "userId");
      if (body.role === "manager" && owner.role !== "manager") {
        throw badRequest("invalid_user", "A manager key must belong to a manager", "userId");
      }
      // A key acting for a person never outranks them (a viewer's key cannot be an admin key).
      if (RANK[body.role] > RANK[owner.role]) {
        throw badRequest("invalid_role", `A key for a ${owner.role} cannot have the ${body.role} role`, "role");
      }
    } else if (body.role === "manager") {
      throw badRequest("invalid_field", "A manager key needs the manager's userId", "userId");
    }
    const key = newSecret("bm_");
    const row = await c.var.db
      .insert(apiKeys)
      .values({
        id: newId("key"),
        name: body.name,
        prefix: key.slice(0, 10),
        keyHash: await sha256Hex(key),
        role: body.role,
        scopes: [...new Set(body.scopes)],
        userId: body.userId ?? null,
        createdBy: c.var.principal.userId,
      })
      .returning()
      .get();
    await audit(c.var.db, c.var.principal, "api_key.create", row.id, { role: row.role, scopes: row.scopes, userId: row.userId, prefix: row.prefix });
    return c.json({ ...apiKeyView(row), key }, 201);
  })

  .openapi(revoke, async (c) => {
    const own = selfServiceUser(c.var.principal);
    const id = c.req.valid("param").keyId;
    const row = id.length <= 64 ? await c.var.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get() : undefined;
    if (!row) throw notFound("API key");
    if (own !== null && row.userId !== own) throw forbidden("A manager revokes their own keys only");
    if (!row.revokedAt) {
      await c.var.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
      await audit(c.var.db, c.var.principal, "api_key.revoke", id, { prefix: row.prefix });
    }
    return c.body(null, 204);
  });
