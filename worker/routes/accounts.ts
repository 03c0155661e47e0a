/**
 * Accounts (client companies):
 *   GET   /api/v1/accounts             list, filters, cursor pagination (scoped to a manager's book)
 *   GET   /api/v1/accounts/:id         account + contacts + response history + MRR history
 *   PATCH /api/v1/accounts/:id         admin
 *   POST  /api/v1/accounts/bulk        admin, upsert up to 1,000 rows by external id
 * Managers and viewers read; only admins write (a manager could otherwise hand accounts around).
 */
import { desc, eq } from "drizzle-orm";
import { Hono } from "hono";
import { accountMrr, accounts, contacts, responses, users } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError, badRequest, notFound } from "../lib/errors";
import { parseQuery, readBody } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { AccountBulkSchema, AccountListQuery, AccountUpsertSchema, PatchAccountSchema } from "../schemas/accounts";
import { getAccountInScope, listAccounts } from "../services/accounts";
import { appendMrr, upsertAccounts } from "../services/accountsUpsert";
import { assertOwnManagerFilter, reattributeAccount } from "../services/scope";
import { runBulk } from "../services/bulk";
import { contactView } from "../services/contacts";
import { workspaceToday } from "../lib/timezone";

export const accountsRoute = new Hono<AppEnv>()
  .get("/", requireAuth(), async (c) => {
    const q = parseQuery(c, AccountListQuery);
    assertOwnManagerFilter(c.var.principal, q.manager);
    return c.json(await listAccounts(c.var.db, c.var.principal, { ...q, today: workspaceToday(c.env) }));
  })
  .post("/bulk", requireAuth("admin"), async (c) => {
    const body = await readBody(c, AccountBulkSchema, 2 * 1024 * 1024);
    return c.json(await runBulk(body.accounts, AccountUpsertSchema, (rows) => upsertAccounts(c.var.db, rows, workspaceToday(c.env))));
  })
  .get("/:id", requireAuth(), async (c) => {
    const db = c.var.db;
    const account = await getAccountInScope(db, c.var.principal, c.req.param("id"), workspaceToday(c.env));
    const [people, history, mrr] = await Promise.all([
      db.select().from(contacts).where(eq(contacts.accountId, account.id)).orderBy(contacts.name, contacts.id).limit(1000).all(),
      db
        .select({
          id: responses.id,
          surveyId: responses.surveyId,
          contactId: responses.contactId,
          waveId: responses.waveId,
          score: responses.score,
          comment: responses.comment,
          channel: responses.channel,
          locale: responses.locale,
          createdAt: responses.createdAt,
        })
        .from(responses)
        .where(eq(responses.accountId, account.id))
        .orderBy(desc(responses.createdAt))
        .limit(500)
        .all(),
      db
        .select({ effectiveOn: accountMrr.effectiveOn, mrrCents: accountMrr.mrrCents })
        .from(accountMrr)
        .where(eq(accountMrr.accountId, account.id))
        .orderBy(accountMrr.effectiveOn)
        .all(),
    ]);
    return c.json({
      ...account,
      contacts: people.map(contactView),
      responses: history.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
      mrrHistory: mrr,
    });
  })
  .patch("/:id", requireAuth("admin"), async (c) => {
    const db = c.var.db;
    const id = c.req.param("id");
    const old = await db.select().from(accounts).where(eq(accounts.id, id)).get();
    if (!old) throw notFound("Account");
    const body = await readBody(c, PatchAccountSchema);
    if (body.managerUserId) {
      const u = await db.select({ id: users.id }).from(users).where(eq(users.id, body.managerUserId)).get();
      if (!u) throw badRequest("unknown_user", `No user with id ${body.managerUserId}`, "managerUserId");
    }
    if (body.externalId) {
      const clash = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, body.externalId)).get();
      if (clash && clash.id !== id) throw new ApiError(409, "external_id_taken", "Another account has this external id", "externalId");
    }
    const startedOn = body.startedOn ?? old.startedOn;
    const churnedOn = body.churnedOn === undefined ? old.churnedOn : body.churnedOn;
    if (churnedOn !== null && churnedOn < startedOn) throw badRequest("invalid_date", "churnedOn is before startedOn", "churnedOn");
    const { mrrEffectiveOn, ...fields } = body;
    await db.update(accounts).set({ ...fields, updatedAt: new Date() }).where(eq(accounts.id, id)).run();
    if (body.mrrCents !== undefined && body.mrrCents !== old.mrrCents) {
      await c.var.db.run(appendMrr([{ accountId: id, effectiveOn: mrrEffectiveOn ?? workspaceToday(c.env), mrrCents: body.mrrCents }]));
    }
    if (
      (body.managerUserId !== undefined && body.managerUserId !== old.managerUserId) ||
      (body.segment !== undefined && body.segment !== old.segment)
    ) {
      await reattributeAccount(db, id);
    }
    return c.json(await getAccountInScope(db, c.var.principal, id, workspaceToday(c.env)));
  });

