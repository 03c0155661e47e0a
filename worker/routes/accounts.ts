/**
 * Accounts (client companies): the list with each account's NPS standing (scoped to a manager's
 * book), one account in full, changes and bulk upserts by external id.
 * Managers and viewers read; only admins write (a manager could otherwise hand accounts around).
 */
import { createRoute } from "@hono/zod-openapi";
import { desc, eq } from "drizzle-orm";
import { accountMrr, accounts, contacts, responses, users } from "../db/schema";
import { ApiError, badRequest, notFound } from "../lib/errors";
import { body, error, errors, json, jsonBody, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { workspaceToday, workspaceTz } from "../lib/timezone";
import { requireAuth } from "../middleware/auth";
import { AccountDetailSchema } from "../schemas/accountDetail";
import {
  AccountBulkSchema,
  AccountListQuery,
  AccountListSchema,
  AccountSchema,
  AccountUpsertSchema,
  BULK_MAX_BYTES,
  bulkResponses,
  PatchAccountSchema,
} from "../schemas/accounts";
import { getAccountInScope, listAccounts } from "../services/accounts";
import { appendMrr, upsertAccounts } from "../services/accountsUpsert";
import { runBulk } from "../services/bulk";
import { contactView } from "../services/contacts";
import { rawBatch } from "../services/rawBatch";
import { assertOwnManagerFilter, reattributeAccounts } from "../services/scope";

const tags = ["accounts"];
const AccountParams = params("accountId");

const list = createRoute({
  method: "get",
  path: "/",
  summary: "Accounts with their latest NPS standing (lastScore, change, atRisk), filtered, by name, cursor-paginated; managers see theirs only",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { query: AccountListQuery },
  responses: {
    200: json(AccountListSchema, "One page, by name then id"),
    ...errors(400, 401),
    403: error("A manager filtering by another manager"),
  },
});

const bulk = createRoute({
  method: "post",
  path: "/bulk",
  summary: "Upsert up to 1,000 accounts by external id (admins); valid rows written, bad rows reported",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody(BULK_MAX_BYTES)] as const,
  request: { body: body(AccountBulkSchema) },
  responses: bulkResponses,
});

const get = createRoute({
  method: "get",
  path: "/{accountId}",
  summary: "An account with its contacts, response history and MRR history",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { params: AccountParams },
  responses: { 200: json(AccountDetailSchema, "The account"), ...errors(401), 404: error("Not found (or another manager's)") },
});

const patch = createRoute({
  method: "patch",
  path: "/{accountId}",
  summary: "Change an account (admins); MRR changes append to its history, manager/segment changes re-attribute its responses",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody()] as const,
  request: { params: AccountParams, body: body(PatchAccountSchema) },
  responses: {
    200: json(AccountSchema, "The account"),
    400: error("Invalid input (`invalid_field` naming the field, `invalid_date`, `unknown_user`)"),
    ...errors(401, 403, 404),
    409: error("`external_id_taken`: another account has this external id"),
    413: error("Body too large"),
  },
});

export const accountsRoute = router()
  .openapi(list, async (c) => {
    const q = c.req.valid("query");
    assertOwnManagerFilter(c.var.principal, q.manager);
    return c.json(await listAccounts(c.var.db, c.var.principal, { ...q, today: workspaceToday(c.env), timeZone: workspaceTz(c.env) }), 200);
  })
  .openapi(bulk, async (c) => {
    const { accounts: rows } = c.req.valid("json");
    return c.json(await runBulk(rows, AccountUpsertSchema, (valid) => upsertAccounts(c.var.db, valid, workspaceToday(c.env))), 200);
  })
  .openapi(get, async (c) => {
    const db = c.var.db;
    const account = await getAccountInScope(db, c.var.principal, c.req.valid("param").accountId, workspaceToday(c.env), workspaceTz(c.env));
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
    return c.json(
      {
        ...account,
        contacts: people.map(contactView),
        responses: history.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
        mrrHistory: mrr,
      },
      200,
    );
  })
  .openapi(patch, async (c) => {
    const db = c.var.db;
    const { accountId: id } = c.req.valid("param");
    const old = await db.select().from(accounts).where(eq(accounts.id, id)).get();
    if (!old) throw notFound("Account");
    const input = c.req.valid("json");
    if (input.managerUserId) {
      const u = await db.select({ id: users.id }).from(users).where(eq(users.id, input.managerUserId)).get();
      if (!u) throw badRequest("unknown_user", `No user with id ${input.managerUserId}`, "managerUserId");
    }
    if (input.externalId) {
      const clash = await db.select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, input.externalId)).get();
      if (clash && clash.id !== id) throw new ApiError(409, "external_id_taken", "Another account has this external id", "externalId");
    }
    const startedOn = input.startedOn ?? old.startedOn;
    const churnedOn = input.churnedOn === undefined ? old.churnedOn : input.churnedOn;
    if (churnedOn !== null && churnedOn < startedOn) throw badRequest("invalid_date", "churnedOn is before startedOn", "churnedOn");
    const { mrrEffectiveOn, ...fields } = input;
    // One D1 batch, all or nothing: the account, its MRR history and its answers' copies of
    // segment and manager (an account whose answers kept the old manager was in nobody's scope).
    const statements = [
      db
        .update(accounts)
        .set({ ...fields, updatedAt: new Date() })
        .where(eq(accounts.id, id))
        .getSQL(),
    ];
    if (input.mrrCents !== undefined && input.mrrCents !== old.mrrCents) {
      statements.push(appendMrr([{ accountId: id, effectiveOn: mrrEffectiveOn ?? workspaceToday(c.env), mrrCents: input.mrrCents }]));
    }
    if (
      (input.managerUserId !== undefined && input.managerUserId !== old.managerUserId) ||
      (input.segment !== undefined && input.segment !== old.segment)
    ) {
      statements.push(reattributeAccounts([id]));
    }
    await rawBatch(db, statements);
    return c.json(await getAccountInScope(db, c.var.principal, id, workspaceToday(c.env), workspaceTz(c.env)), 200);
  });
