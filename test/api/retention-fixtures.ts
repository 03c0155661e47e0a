/**
 * Data for the retention, breakdown and goal API tests, written straight into real D1 with
 * drizzle: accounts with MRR history, contacts, users with API keys, and responses dated in the
 * past with their bucket and account columns filled exactly as recordResponse fills them (the
 * rollup triggers then keep `counted` and `rollups` as for any other answer).
 */
import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import type * as schema from "../../worker/db/schema";
import { accountMrr, accounts, apiKeys, contacts, invitations, responses, users, waves } from "../../worker/db/schema";
import { newId, sha256Hex } from "../../worker/lib/ids";
import { bucketOf } from "../../worker/metrics/buckets";
import { contactWithAccount } from "../../worker/services/contacts";

export const db = () => drizzle(env.DB);

/** A user with an API key of the given role; returns the headers that act as them. */
export async function makeUser(role: "manager" | "viewer" | "admin", name = "Manager") {
  const userId = newId("usr");
  await db()
    .insert(users)
    .values({ id: userId, email: `${userId}@example.test`, name, role })
    .run();
  const key = `bm_test_${newId("key")}`;
  await db()
    .insert(apiKeys)
    .values({ id: newId("key"), name, prefix: key.slice(0, 8), keyHash: await sha256Hex(key), role, userId })
    .run();
  return { userId, headers: { authorization: `Bearer ${key}` } };
}

export interface AccountSpec {
  name: string;
  startedOn: string;
  churnedOn?: string | null;
  segment?: string | null;
  managerUserId?: string | null;
  mrrCents?: number;
  /** [effective_on, cents] rows of account_mrr. */
  mrr?: [string, number][];
  externalId?: string;
}

export async function makeAccount(spec: AccountSpec): Promise<string> {
  const id = newId("acc");
  await db()
    .insert(accounts)
    .values({
      id,
      externalId: spec.externalId ?? null,
      name: spec.name,
      startedOn: spec.startedOn,
      churnedOn: spec.churnedOn ?? null,
      segment: spec.segment ?? null,
      managerUserId: spec.managerUserId ?? null,
      mrrCents: spec.mrrCents ?? 0,
    })
    .run();
  for (const [effectiveOn, mrrCents] of spec.mrr ?? []) {
    await db().insert(accountMrr).values({ accountId: id, effectiveOn, mrrCents }).run();
  }
  return id;
}

export async function makeContact(accountId: string | null): Promise<string> {
  const id = newId("ctc");
  await db()
    .insert(contacts)
    .values({ id, accountId, email: `${id}@client.test`, name: id })
    .run();
  return id;
}

/** A response at instant `at` (ISO), as recordResponse would store it (UTC workspace). */
export async function answer(
  surveyId: string,
  contactId: string | null,
  score: number,
  at: string,
  extra: { channel?: schema.Channel; locale?: string; waveId?: string; invitationId?: string; comment?: string } = {},
): Promise<string> {
  const ms = Date.parse(at);
  const who = contactId ? await contactWithAccount(db(), contactId) : null;
  const id = crypto.randomUUID();
  await db()
    .insert(responses)
    .values({
      id,
      surveyId,
      contactId,
      score,
      comment: extra.comment ?? null,
      channel: extra.channel ?? "api",
      locale: extra.locale ?? "en",
      waveId: extra.waveId ?? null,
      invitationId: extra.invitationId ?? null,
      accountId: who?.accountId ?? null,
      segment: who?.segment ?? null,
      managerUserId: who?.managerUserId ?? null,
      bucketMonth: bucketOf(ms, "month", "UTC"),
      bucketQuarter: bucketOf(ms, "quarter", "UTC"),
      bucketHalf: bucketOf(ms, "half", "UTC"),
      createdAt: new Date(ms),
      updatedAt: new Date(ms),
    })
    .run();
  return id;
}

/** An account with one contact per score, each answering at `at`. */
export async function accountAnswering(surveyId: string, spec: AccountSpec, scores: number[], at: string) {
  const accountId = await makeAccount(spec);
  for (const s of scores) await answer(surveyId, await makeContact(accountId), s, at);
  return accountId;
}

export async function makeWave(surveyId: string, period: string, opensAt: string, closesAt: string) {
  const id = newId("wav");
  await db()
    .insert(waves)
    .values({ id, surveyId, period, opensAt: new Date(opensAt), closesAt: new Date(closesAt), status: "closed" })
    .run();
  return id;
}

export async function invite(waveId: string, surveyId: string, contactId: string, status: (typeof schema.INVITATION_STATUSES)[number]) {
  const id = newId("inv");
  await db()
    .insert(invitations)
    .values({ id, waveId, surveyId, contactId, token: newId("t").replace("_", ""), status })
    .run();
  return id;
}

/** A unique tag so each test reads only its own accounts (accounts are shared within a file). */
export const tag = (what: string) => `${what}-${crypto.randomUUID().slice(0, 8)}`;
