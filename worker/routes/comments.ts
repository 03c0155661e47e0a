/**
 * GET /api/v1/comments?surveyId&from&to&category&segment&manager&account&channel&locale&status&owner&q&limit&before
 *   → {data:[{responseId,surveyId,score,category,comment,locale,channel,createdAt,
 *             contact:{id,name,email}|null, account:{id,name}|null,
 *             followup:{status,ownerUserId,notes:[…]}|null}], next}
 * The comments & follow-up queue, newest first, within the caller's scope (a manager: their
 * accounts): every answer with a comment, and every follow-up item (every detractor answer has
 * one, comment or not). `followup` carries the owner's name, the due day and `overdue`.
 */
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { workspaceTz } from "../lib/timezone";
import { Hono } from "hono";
import { accounts, contacts, followups, responses, surveys, users } from "../db/schema";
import type { AppEnv } from "../env";
import { localDate } from "../metrics/buckets";
import { isOverdue } from "../metrics/followups";
import { notesFor } from "../services/followups";
import { parseQuery } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { decodeResponseCursor, encodeResponseCursor, olderThan } from "../db/queries/responseCursor";
import { categorySql } from "../db/queries/scoreCategory";
import { responseFilter } from "../db/queries/responseFilter";
import { CommentsQuerySchema } from "../schemas/comments";

const owners = alias(users, "owners");

export const commentsRoute = new Hono<AppEnv>().get("/", requireAuth(), async (c) => {
  const q = parseQuery(c, CommentsQuerySchema);
  const db = c.var.db;
  const tz = c.env.TIMEZONE || "UTC";
  const today = localDate(Date.now(), tz);
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
      followupOwnerName: owners.name,
      followupDueOn: followups.dueOn,
    })
    .from(responses)
    .innerJoin(surveys, eq(surveys.id, responses.surveyId))
    .leftJoin(contacts, eq(contacts.id, responses.contactId))
    .leftJoin(accounts, eq(accounts.id, responses.accountId))
    .leftJoin(followups, eq(followups.responseId, responses.id))
    .leftJoin(owners, eq(owners.id, followups.ownerUserId))
    .where(and(responseFilter(db, c.var.principal, q, workspaceTz(c.env), { queue: true }), after))
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
        ? {
            status: r.followupStatus,
            ownerUserId: r.followupOwner,
            owner: r.followupOwner ? { id: r.followupOwner, name: r.followupOwnerName ?? "" } : null,
            dueOn: r.followupDueOn,
            overdue: isOverdue(r.followupStatus, r.followupDueOn, today),
            notes: notes.get(r.responseId) ?? [],
          }
        : null,
    })),
    next: rows.length === q.limit && last ? encodeResponseCursor({ createdAt: last.createdAt, id: last.responseId }) : null,
  });
});
