/**
 * Follow-up items (close the loop): who may own one, how an item reads, what changes do.
 * Items are created by a trigger when a detractor answers (migrations/0005); this file only reads
 * and changes them. Rules (docs/ADMIN.md, "Comments & follow-up"):
 * - an owner must be able to act on the item: an active admin, or an active manager of the
 *   response's account (so never a viewer, a disabled user or another manager);
 * - a manager may take an item in their scope or let it go, not hand it to someone else;
 * - resolving an item nobody held gives it to whoever resolved it, so "Owner: me" finds it.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { accounts, followupCounts, followupNotes, followups, users } from "../db/schema";
import type { Db, Principal } from "../env";
import { ApiError, badRequest } from "../lib/errors";
import { isOverdue } from "../metrics/followups";
import { managerScope } from "./scope";
import { inList } from "../db/queries/inList";

/** True when `userId` can act on follow-ups of a response of account `accountId` (null: anonymous). */
export async function canOwn(db: Db, userId: string, accountId: string | null): Promise<boolean> {
  const u = await db
    .select({ role: users.role })
    .from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt)))
    .get();
  if (!u) return false;
  if (u.role === "admin") return true;
  if (u.role !== "manager" || !accountId) return false;
  const a = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(and(eq(accounts.id, accountId), eq(accounts.managerUserId, userId)))
    .get();
  return a !== undefined;
}

export interface FollowupRow {
  id: string;
  score: number;
  kind: "nps" | "csat" | "ces";
  accountId: string | null;
}

export async function followupView(db: Db, r: FollowupRow, today: string, detractor: boolean) {
  const f = await db
    .select({
      status: followups.status,
      ownerUserId: followups.ownerUserId,
      ownerName: users.name,
      dueOn: followups.dueOn,
      resolvedAt: followups.resolvedAt,
      createdAt: followups.createdAt,
      updatedAt: followups.updatedAt,
    })
    .from(followups)
    .leftJoin(users, eq(users.id, followups.ownerUserId))
    .where(eq(followups.responseId, r.id))
    .get();
  if (!f) {
    // Only non-detractors (and imported history) have no item until someone writes a note.
    return {
      responseId: r.id,
      status: detractor ? ("open" as const) : null,
      ownerUserId: null,
      owner: null,
      dueOn: null,
      overdue: false,
      resolvedAt: null,
      notes: [],
      createdAt: null,
      updatedAt: null,
    };
  }
  const notes = (await notesFor(db, [r.id])).get(r.id) ?? [];
  return {
    responseId: r.id,
    status: f.status,
    ownerUserId: f.ownerUserId,
    owner: f.ownerUserId ? { id: f.ownerUserId, name: f.ownerName ?? "" } : null,
    dueOn: f.dueOn,
    overdue: isOverdue(f.status, f.dueOn, today),
    resolvedAt: f.resolvedAt?.toISOString() ?? null,
    notes,
    createdAt: f.createdAt.toISOString(),
    updatedAt: f.updatedAt.toISOString(),
  };
}

export async function changeFollowup(
  db: Db,
  p: Principal,
  r: FollowupRow,
  body: { status?: "open" | "contacted" | "resolved"; ownerUserId?: string | null },
): Promise<void> {
  const current = await db.select().from(followups).where(eq(followups.responseId, r.id)).get();
  let owner = body.ownerUserId;
  if (owner !== undefined && owner !== null) {
    if (p.role === "manager" && owner !== p.userId) {
      throw new ApiError(403, "forbidden", "Managers can take an item or let it go, not assign it to someone else", "ownerUserId");
    }
    if (!(await canOwn(db, owner, r.accountId))) {
      throw badRequest("invalid_owner", "The owner must be an active admin, or a manager of this account", "ownerUserId");
    }
  }
  if (owner === undefined && body.status === "resolved" && !(current?.ownerUserId ?? null) && p.userId && (await canOwn(db, p.userId, r.accountId))) {
    owner = p.userId;
  }
  const now = new Date();
  const resolvedAt =
    body.status === undefined ? undefined : body.status === "resolved" ? (current?.status === "resolved" ? current.resolvedAt : now) : null;
  const set = {
    ...(body.status !== undefined ? { status: body.status, resolvedAt } : {}),
    ...(owner !== undefined ? { ownerUserId: owner } : {}),
    updatedAt: now,
  };
  await db
    .insert(followups)
    .values({
      responseId: r.id,
      status: body.status ?? "open",
      ownerUserId: owner ?? null,
      resolvedAt: resolvedAt ?? null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoUpdate({ target: followups.responseId, set });
}

/**
 * Counts for the caller's scope: open items, overdue ones, and theirs. Read from
 * `followup_counts` (kept by triggers, migrations/0018): a few rows per day with something open,
 * where counting the items read every one of them (278 ms at 250,000 open items). A manager's
 * scope is the manager their answers carry, as on the overview (kept in step with the accounts by
 * reattributeAccounts).
 */
export async function followupSummary(db: Db, p: Principal, today: string) {
  const m = managerScope(p);
  const me = p.userId ?? "\u0000nobody";
  const c = followupCounts;
  const overdue = sql`${c.dueOn} <> '' AND ${c.dueOn} < ${today}`;
  const row = await db
    .select({
      open: sql<number>`coalesce(sum(${c.open}), 0)`,
      overdue: sql<number>`coalesce(sum(CASE WHEN ${overdue} THEN ${c.open} ELSE 0 END), 0)`,
      mine: sql<number>`coalesce(sum(CASE WHEN ${c.owner} = ${me} THEN ${c.open} ELSE 0 END), 0)`,
      mineOverdue: sql<number>`coalesce(sum(CASE WHEN ${c.owner} = ${me} AND ${overdue} THEN ${c.open} ELSE 0 END), 0)`,
      unassigned: sql<number>`coalesce(sum(CASE WHEN ${c.owner} = '' THEN ${c.open} ELSE 0 END), 0)`,
    })
    .from(c)
    .where(m === null ? undefined : eq(c.manager, m))
    .get();
  return {
    asOf: today,
    open: row?.open ?? 0,
    overdue: row?.overdue ?? 0,
    mine: row?.mine ?? 0,
    mineOverdue: row?.mineOverdue ?? 0,
    unassigned: row?.unassigned ?? 0,
  };
}

export type NoteView = {
  id: string;
  body: string;
  kind: "note" | "reply";
  delivery: string | null;
  authorUserId: string | null;
  authorName: string | null;
  createdAt: string;
};

/** Notes of several follow-ups in one query, oldest first. */
export async function notesFor(db: Db, responseIds: string[]): Promise<Map<string, NoteView[]>> {
  const out = new Map<string, NoteView[]>();
  if (responseIds.length === 0) return out;
  const rows = await db
    .select({
      id: followupNotes.id,
      responseId: followupNotes.responseId,
      body: followupNotes.body,
      kind: followupNotes.kind,
      delivery: followupNotes.delivery,
      authorUserId: followupNotes.authorUserId,
      authorName: users.name,
      createdAt: followupNotes.createdAt,
    })
    .from(followupNotes)
    .leftJoin(users, eq(users.id, followupNotes.authorUserId))
    .where(inList(followupNotes.responseId, responseIds))
    .orderBy(asc(followupNotes.createdAt), asc(followupNotes.id))
    .all();
  for (const r of rows) {
    const list = out.get(r.responseId) ?? [];
    list.push({
      id: r.id,
      body: r.body,
      kind: r.kind,
      delivery: r.delivery,
      authorUserId: r.authorUserId,
      authorName: r.authorName,
      createdAt: r.createdAt.toISOString(),
    });
    out.set(r.responseId, list);
  }
  return out;
}
