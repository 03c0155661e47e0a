/**
 * Closing the loop with unhappy respondents: the caller's counts, a response's follow-up, its
 * status or owner, notes, and replies to the respondent (services/followupReply.ts: by the email
 * API, or a prepared `mailto:` link).
 * Every detractor answer has an item from the start (a trigger creates it, owned by the account's
 * manager). Admins and managers write (a manager only on their accounts' responses, and may only
 * take or release an item); viewers read. A response outside the caller's scope is 404.
 * The rules live in services/followups.ts.
 */
import { createRoute } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import { followupNotes, followups, responses, surveys } from "../db/schema";
import type { Db, Principal } from "../env";
import { notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { body, errors, json, jsonBody, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { workspaceToday } from "../lib/timezone";
import { scoreCategory } from "../metrics/category";
import { requireAuth } from "../middleware/auth";
import {
  FollowupNoteSchema,
  FollowupReplySchema,
  FollowupSchema,
  FollowupSummarySchema,
  NewNoteSchema,
  PatchFollowupSchema,
  ReplySchema,
} from "../schemas/comments";
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

const tags = ["comments"];
const ResponseParams = params("responseId");

const summary = createRoute({
  method: "get",
  path: "/summary",
  summary: "Open and overdue follow-ups in the caller's scope, theirs, and unassigned ones",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  responses: { 200: json(FollowupSummarySchema, "Counts"), ...errors(401) },
});

const get = createRoute({
  method: "get",
  path: "/{responseId}",
  summary: "A response's follow-up",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { params: ResponseParams },
  responses: { 200: json(FollowupSchema, "The follow-up"), ...errors(401, 404) },
});

const patch = createRoute({
  method: "patch",
  path: "/{responseId}",
  summary: "Set a follow-up's status or owner (admins, or the account's manager)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin", "manager"), jsonBody(4096)] as const,
  request: { params: ResponseParams, body: body(PatchFollowupSchema) },
  responses: { 200: json(FollowupSchema, "The follow-up"), ...errors(400, 401, 403, 404, 413) },
});

const addNote = createRoute({
  method: "post",
  path: "/{responseId}/notes",
  summary: "Add a note to a follow-up (admins, or the account's manager); opens an item if there is none",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin", "manager"), jsonBody(16 * 1024)] as const,
  request: { params: ResponseParams, body: body(FollowupNoteSchema) },
  responses: { 201: json(NewNoteSchema, "The note"), ...errors(400, 401, 403, 404, 413) },
});

const reply = createRoute({
  method: "post",
  path: "/{responseId}/reply",
  summary: "Reply to the respondent (admins, or the account's manager): by e-mail, or a prepared mailto: link; kept as a note of kind `reply`",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin", "manager"), jsonBody(32 * 1024)] as const,
  request: { params: ResponseParams, body: body(FollowupReplySchema) },
  responses: { 201: json(ReplySchema, "The reply as kept, with its delivery"), ...errors(400, 401, 403, 404, 409, 413, 429) },
});

export const followupsRoute = router()
  .openapi(summary, async (c) => c.json(await followupSummary(c.var.db, c.var.principal, workspaceToday(c.env)), 200))

  .openapi(get, async (c) => {
    const r = await responseInScope(c.var.db, c.var.principal, c.req.valid("param").responseId);
    return c.json(await followupView(c.var.db, r, workspaceToday(c.env), scoreCategory(r.kind, r.score) === "detractor"), 200);
  })

  .openapi(patch, async (c) => {
    const db = c.var.db;
    const r = await responseInScope(db, c.var.principal, c.req.valid("param").responseId);
    await changeFollowup(db, c.var.principal, r, c.req.valid("json"));
    return c.json(await followupView(db, r, workspaceToday(c.env), scoreCategory(r.kind, r.score) === "detractor"), 200);
  })

  .openapi(reply, async (c) => {
    const r = await responseInScope(c.var.db, c.var.principal, c.req.valid("param").responseId);
    return c.json(await replyToRespondent(c.var.db, c.env, c.var.principal, r.id, c.req.valid("json")), 201);
  })

  .openapi(addNote, async (c) => {
    const db = c.var.db;
    const r = await responseInScope(db, c.var.principal, c.req.valid("param").responseId);
    const now = new Date();
    const note = {
      id: newId("note"),
      responseId: r.id,
      authorUserId: c.var.principal.userId,
      body: c.req.valid("json").body,
      kind: "note" as const,
      createdAt: now,
    };
    // A note on an answer that has no item yet (a passive, a promoter) opens one.
    await db.batch([
      db
        .insert(followups)
        .values({ responseId: r.id, createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: followups.responseId,
          set: { updatedAt: sql`${now.getTime()}` },
        }),
      db.insert(followupNotes).values(note),
    ]);
    return c.json({ ...note, createdAt: now.toISOString() }, 201);
  });
