/**
 * The comments & follow-up queue, newest first, within the caller's scope (a manager: their
 * accounts): every answer with a comment, and every follow-up item (every detractor answer has
 * one, comment or not). `followup` carries the owner's name, the due day and `overdue`.
 */
import { createRoute } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { accounts, contacts, followups, responses, surveys, users } from "../db/schema";
import { encodeResponseCursor, responsePage } from "../db/queries/responseCursor";
import { responseFilter } from "../db/queries/responseFilter";
import { categorySql } from "../db/queries/scoreCategory";
import { errors, json, KEY_OR_SESSION, router } from "../lib/openapi";
import { workspaceToday, workspaceTz } from "../lib/timezone";
import { isOverdue } from "../metrics/followups";
import { requireAuth } from "../middleware/auth";
import { CommentListSchema, CommentsQuerySchema } from "../schemas/comments";
import { notesFor } from "../services/followups";

const owners = alias(users, "owners");

const list = createRoute({
  method: "get",
  path: "/",
  summary:
    "Answers with a comment and follow-up items, newest first (`sort=createdAt`: oldest first), with contact, account and follow-up (managers: their accounts)",
  tags: ["comments"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { query: CommentsQuerySchema },
  responses: { 200: json(CommentListSchema, "One page"), ...errors(400, 401, 403) },
});

export const commentsRoute = router().openapi(list, async (c) => {
  const q = c.req.valid("query");
  const db = c.var.db;
  const today = workspaceToday(c.env);
  // Only the creation time is offered as a sort: both directions walk the same index. Sorting by
  // score or due day would read every matching answer before the first row (docs/ADMIN.md).
  const order = q.sort === "createdAt" ? "asc" : "desc";
  const { after, orderBy } = responsePage(q.before, order);
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
    .orderBy(...orderBy)
    .limit(q.limit)
    .all();
  const notes = await notesFor(
    db,
    rows.filter((r) => r.followupStatus !== null).map((r) => r.responseId),
  );
  const last = rows.at(-1);
  return c.json(
    {
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
      next: rows.length === q.limit && last ? encodeResponseCursor({ createdAt: last.createdAt, id: last.responseId }, order) : null,
    },
    200,
  );
});
