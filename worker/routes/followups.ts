/**
 * Closing the loop with unhappy respondents:
 *   GET   /api/v1/followups/:responseId          → {responseId, status, ownerUserId, notes}
 *   PATCH /api/v1/followups/:responseId          {status?, ownerUserId?} (creates the follow-up)
 *   POST  /api/v1/followups/:responseId/notes    {body} → 201 note
 * Admins and managers write (a manager only on their accounts' responses); viewers read.
 * A response outside the caller's scope is 404, as if it did not exist.
 */
import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { Hono } from "hono";
import { followupNotes, followups, responses, surveys, users } from "../db/schema";
import type { AppEnv, Db, Principal } from "../env";
import { badRequest, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { readBody } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { scoreCategory } from "../metrics/category";
import { FollowupNoteSchema, PatchFollowupSchema } from "../schemas/comments";
import { responsesInScope } from "../services/scope";
import { notesFor } from "./comments";

async function responseInScope(db: Db, p: Principal, id: string) {
  const row =
    id.length <= 64
      ? await db
          .select({ id: responses.id, score: responses.score, kind: surveys.kind })
          .from(responses)
          .innerJoin(surveys, eq(surveys.id, responses.surveyId))
          .where(and(eq(responses.id, id), responsesInScope(db, p)))
          .get()
      : undefined;
  if (!row) throw notFound("Response");
  return row;
}

async function followupView(db: Db, responseId: string, score: number, kind: "nps" | "csat" | "ces") {
  const f = await db.select().from(followups).where(eq(followups.responseId, responseId)).get();
  if (!f) {
    const open = scoreCategory(kind, score) === "detractor";
    return { responseId, status: open ? "open" : null, ownerUserId: null, notes: [], createdAt: null, updatedAt: null };
  }
  const notes = (await notesFor(db, [responseId])).get(responseId) ?? [];
  return {
    responseId,
    status: f.status,
    ownerUserId: f.ownerUserId,
    notes,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}

export const followupsRoute = new Hono<AppEnv>()
  .get("/:responseId", requireAuth(), async (c) => {
    const r = await responseInScope(c.var.db, c.var.principal, c.req.param("responseId"));
    return c.json(await followupView(c.var.db, r.id, r.score, r.kind));
  })

  .patch("/:responseId", requireAuth("admin", "manager"), async (c) => {
    const db = c.var.db;
    const r = await responseInScope(db, c.var.principal, c.req.param("responseId"));
    const body = await readBody(c, PatchFollowupSchema, 4096);
    if (body.ownerUserId) {
      const owner = await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, body.ownerUserId), isNull(users.disabledAt), inArray(users.role, ["admin", "manager"])))
        .get();
      if (!owner) throw badRequest("invalid_owner", "The owner must be an active admin or manager", "ownerUserId");
    }
    const now = new Date();
    const set = {
      ...(body.status !== undefined ? { status: body.status } : {}),
      ...(body.ownerUserId !== undefined ? { ownerUserId: body.ownerUserId } : {}),
      updatedAt: now,
    };
    await db
      .insert(followups)
      .values({ responseId: r.id, status: body.status ?? "open", ownerUserId: body.ownerUserId ?? null, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: followups.responseId, set });
    return c.json(await followupView(db, r.id, r.score, r.kind));
  })

  .post("/:responseId/notes", requireAuth("admin", "manager"), async (c) => {
    const db = c.var.db;
    const r = await responseInScope(db, c.var.principal, c.req.param("responseId"));
    const body = await readBody(c, FollowupNoteSchema, 16 * 1024);
    const now = new Date();
    const note = { id: newId("note"), responseId: r.id, authorUserId: c.var.principal.userId, body: body.body, createdAt: now };
    // The follow-up appears with its first note if nobody opened it yet.
    await db.batch([
      db.insert(followups).values({ responseId: r.id, createdAt: now, updatedAt: now }).onConflictDoUpdate({
        target: followups.responseId,
        set: { updatedAt: sql`${now.getTime()}` },
      }),
      db.insert(followupNotes).values(note),
    ]);
    return c.json({ ...note, createdAt: now.toISOString() }, 201);
  });
