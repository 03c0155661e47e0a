/**
 * API keys for servers (admins only):
 *   GET    /api/v1/api-keys        → {data:[{id,name,prefix,role,userId,…}]} (never the key)
 *   POST   /api/v1/api-keys        {name, role, userId?} → the key, shown this once
 *   DELETE /api/v1/api-keys/:id    revokes (the row stays, for the record)
 * D1 keeps the SHA-256 of the key; `prefix` lets people tell keys apart. A manager key acts as
 * its user: it sees that manager's accounts only, and stops working if the user is disabled.
 */
import { desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { apiKeys, users } from "../db/schema";
import type { AppEnv } from "../env";
import { badRequest, notFound } from "../lib/errors";
import { newId, newSecret, sha256Hex } from "../lib/ids";
import { readBody } from "../lib/validate";
import { RANK, requireAuth } from "../middleware/auth";
import { audit } from "../auth/audit";
import { CreateApiKeySchema } from "../schemas/apiKeys";

type ApiKeyRow = typeof apiKeys.$inferSelect;

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

export const apiKeysRoute = new Hono<AppEnv>()
  .get("/", requireAuth("admin"), async (c) => {
    const rows = await c.var.db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt)).all();
    return c.json({ data: rows.map(apiKeyView) });
  })

  .post("/", requireAuth("admin"), async (c) => {
    const body = await readBody(c, CreateApiKeySchema, 4096);
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

  .delete("/:id", requireAuth("admin"), async (c) => {
    const id = c.req.param("id");
    const row = id.length <= 64 ? await c.var.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get() : undefined;
    if (!row) throw notFound("API key");
    if (!row.revokedAt) {
      await c.var.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
      await audit(c.var.db, c.var.principal, "api_key.revoke", id, { prefix: row.prefix });
    }
    return c.body(null, 204);
  });
