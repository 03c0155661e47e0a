/** Callers for the permission matrix: real api_keys rows (hashed) for a viewer and two managers. */
import { env } from "cloudflare:test";
import { newId, randomString, sha256Hex } from "../../worker/lib/ids";
import { ADMIN, api } from "../helpers";

export interface Caller {
  name: string;
  headers: Record<string, string>;
  userId: string | null;
}

async function keyFor(role: "viewer" | "manager", userId: string | null): Promise<Record<string, string>> {
  const key = `bm_test_${randomString(24)}`;
  await env.DB.prepare("INSERT INTO api_keys (id, name, prefix, key_hash, role, user_id) VALUES (?, ?, ?, ?, ?, ?)")
    .bind(newId("key"), `${role} key`, key.slice(0, 8), await sha256Hex(key), role, userId)
    .run();
  return { authorization: `Bearer ${key}` };
}

export async function makeUser(role: "admin" | "manager" | "viewer", email = `${randomString(8)}@corp.test`) {
  const id = newId("usr");
  await env.DB.prepare("INSERT INTO users (id, email, name, role) VALUES (?, ?, ?, ?)").bind(id, email, `User ${email}`, role).run();
  return { id, email };
}

export async function callers() {
  const a = await makeUser("manager");
  const b = await makeUser("manager");
  return {
    admin: { name: "admin", headers: ADMIN, userId: null } as Caller,
    viewer: { name: "viewer", headers: await keyFor("viewer", null), userId: null } as Caller,
    managerA: { name: "managerA", headers: await keyFor("manager", a.id), userId: a.id, email: a.email } as Caller & { email: string },
    managerB: { name: "managerB", headers: await keyFor("manager", b.id), userId: b.id, email: b.email } as Caller & { email: string },
  };
}

export const uniq = (p: string) => `${p}-${randomString(10)}`;

export async function bulkAccounts(rows: unknown[]) {
  const res = await api("/api/v1/accounts/bulk", { headers: ADMIN, body: { accounts: rows } });
  if (res.status !== 200) throw new Error(`bulk accounts: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function bulkContacts(rows: unknown[]) {
  const res = await api("/api/v1/contacts/bulk", { headers: ADMIN, body: { contacts: rows } });
  if (res.status !== 200) throw new Error(`bulk contacts: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A response dated in the past (the public write path always stamps "now"). Inserted with the
 * account attributes and buckets recordResponse would have written, so the triggers roll it up.
 */
export async function pastResponse(
  surveyId: string,
  contactId: string,
  score: number,
  at: string,
  extra: { waveId?: string; invitationId?: string } = {},
) {
  const { bucketOf } = await import("../../worker/metrics/buckets");
  const ms = Date.parse(at.length === 10 ? `${at}T12:00:00Z` : at);
  const id = crypto.randomUUID();
  await env.DB.prepare(
    `INSERT INTO responses (id, survey_id, contact_id, wave_id, invitation_id, score, locale, channel, account_id, segment, manager_user_id,
       bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
     SELECT ?, ?, c.id, ?, ?, ?, 'en', 'email', a.id, a.segment, a.manager_user_id, ?, ?, ?, ?, ?
     FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.id = ?`,
  )
    .bind(
      id,
      surveyId,
      extra.waveId ?? null,
      extra.invitationId ?? null,
      score,
      bucketOf(ms, "month", "UTC"),
      bucketOf(ms, "quarter", "UTC"),
      bucketOf(ms, "half", "UTC"),
      ms,
      ms,
      contactId,
    )
    .run();
  return id;
}
