/**
 * Upsert of accounts by external id, shared by `POST /accounts/bulk` and the CSV import.
 * One call = one D1 batch (atomic): every valid row is written whole, invalid rows are reported
 * and not written. Omitted fields keep their stored value; `null` clears an optional field.
 * MRR changes append to account_mrr; manager/segment changes re-attribute the account's responses
 * (scope.ts's reattributeAccounts).
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../env";
import { newId } from "../lib/ids";
import type { AccountUpsert } from "../schemas/accounts";
import type { AccountRow } from "./accounts";
import { rawBatch } from "./rawBatch";
import { inList } from "../db/queries/inList";
import { reattributeAccounts } from "./scope";

export interface RowError {
  code: string;
  field: string;
  message: string;
}
export type UpsertResult = { ok: true; id: string; status: "created" | "updated" | "unchanged" } | { ok: false; error: RowError };

/** An account row as stored, as the upsert compares it (always with an external id here). */
type StoredAccount = Omit<AccountRow, "last_score" | "previous_score" | "last_at" | "external_id"> & { external_id: string };

/** A JSON array as one bound parameter: `json_each(?)` keeps us far below D1's 100-parameter cap. */
export const jsonParam = (v: unknown) => JSON.stringify(v);

const err = (field: string, code: string, message: string): UpsertResult => ({ ok: false, error: { code, field, message } });

export async function upsertAccounts(db: Db, rows: AccountUpsert[], today: string): Promise<UpsertResult[]> {
  const extIds = [...new Set(rows.map((r) => r.externalId))];
  const existing = new Map<string, StoredAccount>();
  if (extIds.length > 0) {
    const found = await db.all<StoredAccount>(sql`
      SELECT id, external_id, name, manager_user_id, segment, plan, mrr_cents, started_on, churned_on
      FROM accounts WHERE ${inList(sql`external_id`, extIds)}`);
    for (const a of found) existing.set(a.external_id, a);
  }
  const userIds = [...new Set(rows.flatMap((r) => (r.managerUserId ? [r.managerUserId] : [])))];
  const emails = [...new Set(rows.flatMap((r) => (r.managerEmail ? [r.managerEmail.toLowerCase()] : [])))];
  const usersById = new Set<string>();
  const usersByEmail = new Map<string, string>();
  if (userIds.length + emails.length > 0) {
    const found = await db.all<{ id: string; email: string }>(sql`
      SELECT id, email FROM users
      WHERE ${inList(sql`id`, userIds)} OR ${inList(sql`lower(email)`, emails)}`);
    for (const u of found) {
      usersById.add(u.id);
      usersByEmail.set(u.email.toLowerCase(), u.id);
    }
  }

  const results: UpsertResult[] = [];
  const writes: StoredAccount[] = [];
  const mrrRows: { accountId: string; effectiveOn: string; mrrCents: number }[] = [];
  const reattribute: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.externalId)) {
      results.push(err("externalId", "duplicate_external_id", `externalId ${r.externalId} appears twice in this request`));
      continue;
    }
    seen.add(r.externalId);
    const old = existing.get(r.externalId);
    let manager = old?.manager_user_id ?? null;
    if (r.managerUserId !== undefined) {
      if (r.managerUserId !== null && !usersById.has(r.managerUserId)) {
        results.push(err("managerUserId", "unknown_user", `No user with id ${r.managerUserId}`));
        continue;
      }
      manager = r.managerUserId;
    }
    if (r.managerEmail !== undefined) {
      const id = r.managerEmail === null ? null : usersByEmail.get(r.managerEmail.toLowerCase());
      if (id === undefined) {
        results.push(err("managerEmail", "unknown_user", `No user with email ${r.managerEmail}`));
        continue;
      }
      manager = id;
    }
    const name = r.name ?? old?.name;
    const startedOn = r.startedOn ?? old?.started_on;
    if (!name) {
      results.push(err("name", "required", "name is required for a new account"));
      continue;
    }
    if (!startedOn) {
      results.push(err("startedOn", "required", "startedOn is required for a new account"));
      continue;
    }
    const churnedOn = r.churnedOn === undefined ? (old?.churned_on ?? null) : r.churnedOn;
    if (churnedOn !== null && churnedOn < startedOn) {
      results.push(err("churnedOn", "invalid_date", "churnedOn is before startedOn"));
      continue;
    }
    const next: StoredAccount = {
      id: old?.id ?? newId("acc"),
      external_id: r.externalId,
      name,
      manager_user_id: manager,
      segment: r.segment === undefined ? (old?.segment ?? null) : r.segment,
      plan: r.plan === undefined ? (old?.plan ?? null) : r.plan,
      mrr_cents: r.mrrCents ?? old?.mrr_cents ?? 0,
      started_on: startedOn,
      churned_on: churnedOn,
    };
    const changed = !old || (Object.keys(next) as (keyof StoredAccount)[]).some((k) => next[k] !== old[k]);
    if (changed) writes.push(next);
    if (!old) {
      mrrRows.push({ accountId: next.id, effectiveOn: r.mrrEffectiveOn ?? startedOn, mrrCents: next.mrr_cents });
    } else if (next.mrr_cents !== old.mrr_cents) {
      mrrRows.push({ accountId: next.id, effectiveOn: r.mrrEffectiveOn ?? today, mrrCents: next.mrr_cents });
    }
    if (old && (old.manager_user_id !== next.manager_user_id || old.segment !== next.segment)) reattribute.push(next.id);
    results.push({ ok: true, id: next.id, status: !old ? "created" : changed ? "updated" : "unchanged" });
  }

  if (writes.length > 0) {
    const now = Date.now();
    const statements: SQL[] = [
      sql`
        INSERT INTO accounts (id, external_id, name, manager_user_id, segment, plan, mrr_cents, started_on, churned_on, created_at, updated_at)
        SELECT value ->> '$.id', value ->> '$.external_id', value ->> '$.name', value ->> '$.manager_user_id',
               value ->> '$.segment', value ->> '$.plan', value ->> '$.mrr_cents', value ->> '$.started_on',
               value ->> '$.churned_on', ${now}, ${now}
        FROM json_each(${jsonParam(writes)}) WHERE true
        ON CONFLICT (id) DO UPDATE SET external_id = excluded.external_id, name = excluded.name,
          manager_user_id = excluded.manager_user_id, segment = excluded.segment, plan = excluded.plan,
          mrr_cents = excluded.mrr_cents, started_on = excluded.started_on, churned_on = excluded.churned_on,
          updated_at = excluded.updated_at`,
    ];
    if (mrrRows.length > 0) statements.push(appendMrr(mrrRows));
    if (reattribute.length > 0) statements.push(reattributeAccounts(reattribute));
    await rawBatch(db, statements);
  }
  return results;
}

/** MRR history rows; a second change on the same day replaces that day's figure. */
export const appendMrr = (rows: { accountId: string; effectiveOn: string; mrrCents: number }[]) =>
  sql`
    INSERT INTO account_mrr (account_id, effective_on, mrr_cents)
    SELECT value ->> '$.accountId', value ->> '$.effectiveOn', value ->> '$.mrrCents' FROM json_each(${jsonParam(rows)}) WHERE true
    ON CONFLICT (account_id, effective_on) DO UPDATE SET mrr_cents = excluded.mrr_cents`;

const isUniqueViolation = (e: unknown) => /UNIQUE constraint failed/i.test(String((e as Error)?.message ?? e));

/**
 * Runs a batch upsert; when the batch as a whole breaks a unique index (rows that swap emails, or a
 * concurrent import that wrote the same external id first), retries row by row so only the rows
 * that really conflict are reported (`conflict`), and the others are still written.
 */
export async function upsertWithFallback<T>(rows: T[], write: (rows: T[]) => Promise<UpsertResult[]>): Promise<UpsertResult[]> {
  try {
    return await write(rows);
  } catch (e) {
    if (!isUniqueViolation(e) || rows.length === 0) throw e;
  }
  const out: UpsertResult[] = [];
  for (const row of rows) {
    try {
      out.push((await write([row]))[0]!);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      out.push({ ok: false, error: { code: "conflict", field: "", message: "This row clashes with another record (same email or external id)" } });
    }
  }
  return out;
}
