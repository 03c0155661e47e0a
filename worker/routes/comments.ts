/**
 * GET /api/v1/comments?surveyId&from&to&category&segment&manager&account&channel&locale&status&owner&q&limit&before
 *   → {data:[{responseId,surveyId,score,category,comment,locale,channel,createdAt,
 *             contact:{id,name,email}|null, account:{id,name}|null,
 *             followup:{status,ownerUserId,notes:[…]}|null}], next}
 * Every answer with a comment, newest first, within the caller's scope (a manager: their accounts).
 * A detractor without a follow-up yet shows `followup: {status: "open", ownerUserId: null, notes: []}`.
 */
import { workspaceTz } from "../lib/timezone";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { Hono } from "hono";
import { accounts, contacts, followupNotes, followups, responses, surveys, users } from "../db/schema";
import type { AppEnv, Db } from "../env";
import { parseQuery } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { decodeResponseCursor, encodeResponseCursor, olderThan } from "../db/queries/responseCursor";
import { categorySql } from "../db/queries/scoreCategory";
import { responseFilter } from "../db/queries/responseFilter";
import { CommentsQuerySchema } from "../schemas/comments";

export type NoteView = { id: string; body: string; authorUserId: string | null; authorName: string | null; createdAt: string };

/** Notes of several follow-ups in one query, oldest first. */
export async function notesFor(db: Db, responseIds: string[]): Promise<Map<string, NoteView[]>> {
  const out = new Map<string, NoteView[]>();
  if (responseIds.length === 0) return out;
  const rows = await db
    .select({
      id: followupNotes.id,
      responseId: followupNotes.responseId,
      body: followupNotes.body,
      authorUserId: followupNotes.authorUserId,
      authorName: users.name,
      createdAt: followupNotes.createdAt,
    })
    .from(followupNotes)
    .leftJoin(users, eq(users.id, followupNotes.authorUserId))
    .where(inArray(followupNotes.responseId, responseIds))
    .orderBy(asc(followupNotes.createdAt), asc(followupNotes.id))
    .all();
  for (const r of rows) {
    const list = out.get(r.responseId) ?? [];
    list.push({ id: r.id, body: r.body, authorUserId: r.authorUserId, authorName: r.authorName, createdAt: r.createdAt.toISOString() });
    out.set(r.responseId, list);
  }
  return out;
}

export const commentsRoute = new Hono<AppEnv>().get("/", requireAuth(), async (c) => {
  const q = parseQuery(c, CommentsQuerySchema);
  const db = c.var.db;
  const after = olderThan(decodeResponseCursor(q.before));
  const rows = await db
    .select({
      responseId: responses.id,
      surveyId: responses.surveyId,
      score: responses.score,
      category: categorySql,
      comment: responses.comment,
      locale: responses.locale,
      channel: responses.channel,
      createdAt: responses.createdAt,
      contactId: contacts.id,
      contactName: contacts.name,
      contactEmail: contacts.email,
      accountId: accounts.id,
      accountName: accounts.name,
      followupStatus: followups.status,
      followupOwner: followups.ownerUserId,
    })
    .from(responses)
    .innerJoin(surveys, eq(surveys.id, responses.surveyId))
    .leftJoin(contacts, eq(contacts.id, responses.contactId))
    .leftJoin(accounts, eq(accounts.id, responses.accountId))
    .leftJoin(followups, eq(followups.responseId, responses.id))
    .where(and(responseFilter(db, c.var.principal, q, workspaceTz(c.env), { commentsOnly: true }), after))
    .orderBy(desc(responses.createdAt), desc(responses.id))
    .limit(q.limit)
    .all();
  const notes = await notesFor(db, rows.filter((r) => r.followupStatus !== null).map((r) => r.responseId));
  const last = rows.at(-1);
  return c.json({
    data: rows.map((r) => ({
      responseId: r.responseId,
      surveyId: r.surveyId,
      score: r.score,
      category: r.category,
      comment: r.comment,
      locale: r.locale,
      channel: r.channel,
      createdAt: r.createdAt.toISOString(),
      contact: r.contactId ? { id: r.contactId, name: r.contactName, email: r.contactEmail } : null,
      account: r.accountId ? { id: r.accountId, name: r.accountName } : null,
      followup: r.followupStatus
        ? { status: r.followupStatus, ownerUserId: r.followupOwner, notes: notes.get(r.responseId) ?? [] }
        : r.category === "detractor"
          ? { status: "open" as const, ownerUserId: null, notes: [] }
          : null,
    })),
    next: rows.length === q.limit && last ? encodeResponseCursor({ createdAt: last.createdAt, id: last.responseId }) : null,
  });
});
