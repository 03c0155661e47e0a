/**
 * The comments & follow-up queue, newest first, within the caller's scope (a manager: their
 * accounts): every answer with a comment, and every follow-up item (every detractor answer has
 * one, comment or not). `followup` carries the owner's name, the due day and `overdue`.
 */
import { createRoute } from "@hono/zod-openapi";
import { decodeResponseCursor, encodeResponseCursor } from "../db/queries/responseCursor";
import { errors, json, KEY_OR_SESSION, router } from "../lib/openapi";
import { workspaceToday, workspaceTz } from "../lib/timezone";
import { isOverdue } from "../metrics/followups";
import { requireAuth } from "../middleware/auth";
import { CommentListSchema, CommentsQuerySchema } from "../schemas/comments";
import { commentsPage } from "../services/commentsList";
import { notesFor } from "../services/followups";

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
  const before = decodeResponseCursor(q.before, order);
  const { rows } = await commentsPage(db, c.var.principal, q, workspaceTz(c.env), { order, before, limit: q.limit });
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
