/**
 * Upsert of contacts by external id, shared by `POST /contacts/bulk` and the CSV import.
 * Same rules as accounts (one atomic D1 batch per call, bad rows reported and not written,
 * omitted fields kept, null clears). A contact the widget created from an email alone (no
 * external id) is adopted by the row that brings the same email, instead of clashing with it.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../env";
import { newId } from "../lib/ids";
import type { ContactUpsert } from "../schemas/contacts";
import { jsonParam, type UpsertResult } from "./accountsUpsert";
import { inList } from "../db/queries/inList";

interface StoredContact {
  id: string;
  external_id: string | null;
  account_id: string | null;
  email: string | null;
  name: string | null;
  locale: string | null;
}

const err = (field: string, code: string, message: string): UpsertResult => ({ ok: false, error: { code, field, message } });

export async function upsertContacts(db: Db, rows: ContactUpsert[]): Promise<UpsertResult[]> {
  const extIds = [...new Set(rows.map((r) => r.externalId))];
  const emails = [...new Set(rows.flatMap((r) => (r.email ? [r.email] : [])))];
  const accountExt = [...new Set(rows.flatMap((r) => (r.accountExternalId ? [r.accountExternalId] : [])))];
  const [known, accountRows] = await Promise.all([
    db.all<StoredContact>(sql`
      SELECT id, external_id, account_id, email, name, locale FROM contacts
      WHERE ${inList(sql`external_id`, extIds)} OR ${inList(sql`email`, emails)}`),
    accountExt.length === 0
      ? Promise.resolve([])
      : db.all<{ id: string; external_id: string }>(sql`
          SELECT id, external_id FROM accounts WHERE ${inList(sql`external_id`, accountExt)}`),
  ]);
  const byExt = new Map<string, StoredContact>();
  const byEmail = new Map<string, StoredContact>();
  for (const c of known) {
    if (c.external_id) byExt.set(c.external_id, c);
    if (c.email) byEmail.set(c.email, c);
  }
  const accountIds = new Map(accountRows.map((a) => [a.external_id, a.id]));

  const results: UpsertResult[] = [];
  const writes: StoredContact[] = [];
  const seen = new Set<string>();
  const seenEmails = new Set<string>();
  const adopted = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.externalId)) {
      results.push(err("externalId", "duplicate_external_id", `externalId ${r.externalId} appears twice in this request`));
      continue;
    }
    seen.add(r.externalId);
    let old = byExt.get(r.externalId);
    const email = r.email === undefined ? (old?.email ?? null) : r.email;
    if (email !== null && r.email !== undefined) {
      if (seenEmails.has(email)) {
        results.push(err("email", "duplicate_email", `email ${email} appears twice in this request`));
        continue;
      }
      const holder = byEmail.get(email);
      if (holder && holder.id !== old?.id) {
        if (!old && holder.external_id === null && !adopted.has(holder.id)) {
          old = holder;
          adopted.add(holder.id);
        } else {
          results.push(err("email", "email_taken", `email ${email} belongs to another contact`));
          continue;
        }
      }
    }
    let accountId = old?.account_id ?? null;
    if (r.accountExternalId !== undefined) {
      if (r.accountExternalId === null) accountId = null;
      else {
        const id = accountIds.get(r.accountExternalId);
        if (!id) {
          results.push(err("accountExternalId", "unknown_account", `No account with external id ${r.accountExternalId}`));
          continue;
        }
        accountId = id;
      }
    }
    if (email !== null && r.email !== undefined) seenEmails.add(email);
    const next: StoredContact = {
      id: old?.id ?? newId("ctc"),
      external_id: r.externalId,
      account_id: accountId,
      email,
      name: r.name === undefined ? (old?.name ?? null) : r.name,
      locale: r.locale === undefined ? (old?.locale ?? null) : r.locale,
    };
    const changed = !old || (Object.keys(next) as (keyof StoredContact)[]).some((k) => next[k] !== old[k]);
    if (changed) writes.push(next);
    results.push({ ok: true, id: next.id, status: !old ? "created" : changed ? "updated" : "unchanged" });
  }
  if (writes.length > 0) {
    const now = Date.now();
    await db.run(sql`
      INSERT INTO contacts (id, external_id, account_id, email, name, locale, created_at, updated_at)
      SELECT value ->> '$.id', value ->> '$.external_id', value ->> '$.account_id', value ->> '$.email',
             value ->> '$.name', value ->> '$.locale', ${now}, ${now}
      FROM json_each(${jsonParam(writes)}) WHERE true
      ON CONFLICT (id) DO UPDATE SET external_id = excluded.external_id, account_id = excluded.account_id,
        email = excluded.email, name = excluded.name, locale = excluded.locale, updated_at = excluded.updated_at`);
  }
  return results;
}
