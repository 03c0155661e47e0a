/**
 * Closing the loop with unhappy respondents:
 *   GET   /api/v1/followups/summary               → {open, overdue, mine, mineOverdue, unassigned, asOf}
 *   GET   /api/v1/followups/:responseId          → {responseId, status, ownerUserId, owner, dueOn, overdue, notes}
 *   PATCH /api/v1/followups/:responseId          {status?, ownerUserId?}
 *   POST  /api/v1/followups/:responseId/notes    {body} → 201 note
 *   POST  /api/v1/followups/:responseId/reply    {subject?, body} → 201 {delivery: email|email_failed|mailto, mailto}
 *                                                 (to the respondent; services/followupReply.ts)
 * Every detractor answer has an item from the start (a trigger creates it, owned by the account's
 * manager). Admins and managers write (a manager only on their accounts' responses, and may only
 * take or release an item); viewers read. A response outside the caller's scope is 404.
 * The rules live in services/followups.ts.
 */
import { and, eq, sql } from "drizzle-orm";
import { Hono } from "hono";
import { followupNotes, followups, responses, surveys } from "../db/schema";
import type { AppEnv, Db, Principal } from "../env";
import { notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { readBody } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { localDate } from "../metrics/buckets";
import { scoreCategory } from "../metrics/category";
import { FollowupNoteSchema, FollowupReplySchema, PatchFollowupSchema } from "../schemas/comments";
import { replyToRespondent } from "../services/followupReply";
import { changeFollowup, followupSummary, followupView } from "../services/followups";
import { responsesInScope } from "../services/scope";

async function responseInScope(db: Db, p: Principal, id: string) {
  const row =
    id.length <= 64
      ? await db
          .select({ id: responses.id, score: responses.score, kind: surveys.kind, accountId: responses.accountId })
          .from(responses)
          .innerJoin(surveys, eq(surveys.id, responses.surveyId))
          .where(and(eq(responses.id, id), responsesInScope(db, p)))
          .get()
      : undefined;
  if (!row) throw notFound("Response");
  return row;
}

const today = (tz: string | undefined) => localDate(Date.now(), tz || "UTC");

export const followupsRoute = new Hono<AppEnv>()
  .get("/summary", requireAuth(), async (c) => c.json(await followupSummary(c.var.db, c.var.principal, today(c.env.TIMEZONE))))

  .get("/:responseId", requireAuth(), async (c) => {
    const r = await responseInScope(c.var.db, c.var.principal, c.req.param("responseId"));
    return c.json(await followupView(c.var.db, r, today(c.env.TIMEZONE), scoreCategory(r.kind, r.score) === "detractor"));
  })

  .patch("/:responseId", requireAuth("admin", "manager"), async (c) => {
    const db = c.var.db;
    const r = await responseInScope(db, c.var.principal, c.req.param("responseId"));
    const body = await readBody(c, PatchFollowupSchema, 4096);
    await changeFollowup(db, c.var.principal, r, body);
    return c.json(await followupView(db, r, today(c.env.TIMEZONE), scoreCategory(r.kind, r.score) === "detractor"));
  })

  .post("/:responseId/reply", requireAuth("admin", "manager"), async (c) => {
    const r = await responseInScope(c.var.db, c.var.principal, c.req.param("responseId"));
    const body = await readBody(c, FollowupReplySchema, 32 * 1024);
    return c.json(await replyToRespondent(c.var.db, c.env, c.var.principal, r.id, body), 201);
  })

  .post("/:responseId/notes", requireAuth("admin", "manager"), async (c) => {
    const db = c.var.db;
    const r = await responseInScope(db, c.var.principal, c.req.param("responseId"));
    const body = await readBody(c, FollowupNoteSchema, 16 * 1024);
    const now = new Date();
    const note = { id: newId("note"), responseId: r.id, authorUserId: c.var.principal.userId, body: body.body, kind: "note" as const, createdAt: now };
    // A note on an answer that has no item yet (a passive, a promoter) opens one.
    await db.batch([
      db.insert(followups).values({ responseId: r.id, createdAt: now, updatedAt: now }).onConflictDoUpdate({
        target: followups.responseId,
        set: { updatedAt: sql`${now.getTime()}` },
      }),
      db.insert(followupNotes).values(note),
    ]);
    return c.json({ ...note, createdAt: now.toISOString() }, 201);
  });
