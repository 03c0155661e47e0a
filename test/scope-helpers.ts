/**
 * A small workspace for access tests: two managers with one account each, an unmanaged account,
 * an NPS survey with answers on all three (accounts rows inserted directly, so the fixture does not
 * depend on the accounts API the tests exercise), and every kind of caller (sessions and API keys).
 */
import { eq } from "drizzle-orm";
import * as schema from "../worker/db/schema";
import { newId, newSecret, sha256Hex } from "../worker/lib/ids";
import { createUser, db, signIn, type Session } from "./auth-helpers";
import { ADMIN, api, createSurvey, sign, submit } from "./helpers";

export async function apiKeyFor(role: schema.Role, userId: string | null): Promise<Record<string, string>> {
  const key = newSecret("bm_");
  await db
    .insert(schema.apiKeys)
    .values({ id: newId("key"), name: `${role} key`, prefix: key.slice(0, 10), keyHash: await sha256Hex(key), role, userId });
  return { authorization: `Bearer ${key}` };
}

export async function insertAccount(name: string, managerUserId: string | null, segment: string | null = "smb") {
  const id = newId("acc");
  await db.insert(schema.accounts).values({ id, externalId: `ext-${id}`, name, managerUserId, segment, startedOn: "2025-01-01" });
  return { id, externalId: `ext-${id}`, name };
}

const secrets = new Map<string, string>();
/** The survey's signing secret, as the client's server holds it. */
async function secretOf(surveyId: string): Promise<string> {
  if (!secrets.has(surveyId)) secrets.set(surveyId, (await api(`/api/v1/surveys/${surveyId}`, { headers: ADMIN })).body.signingSecret);
  return secrets.get(surveyId)!;
}

/**
 * Answers through the real API (so contact, account and manager are attributed as in production):
 * the claim is signed as the client's server would, since an unsigned one never picks an account.
 */
export async function answer(surveyId: string, account: { externalId: string } | null, score: number, comment?: string) {
  const who = crypto.randomUUID().slice(0, 8);
  const contact = account && { id: `c-${who}`, email: `${who}@client.example`, name: `Contact ${who}`, account: account.externalId };
  const res = await submit(surveyId, {
    score,
    ...(comment !== undefined ? { comment } : {}),
    ...(contact ? { contact, signature: await sign(await secretOf(surveyId), `${contact.id}\n${contact.email}\n${contact.account}`) } : {}),
  });
  if (res.status !== 201) throw new Error(`submit failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; contactId: string | null; accountId: string | null; editToken: string };
}

export interface World {
  survey: { id: string };
  admin: Session;
  viewer: Session;
  managerA: Session;
  managerB: Session;
  keys: { admin: Record<string, string>; viewer: Record<string, string>; managerA: Record<string, string>; managerB: Record<string, string> };
  accountA: { id: string; externalId: string; name: string };
  accountB: { id: string; externalId: string; name: string };
  accountNone: { id: string; externalId: string; name: string };
  rA: { id: string };
  rB: { id: string };
  rNone: { id: string };
}

export async function makeWorld(): Promise<World> {
  const [admin, viewer, managerA, managerB] = await Promise.all([
    signIn(await createUser("admin")),
    signIn(await createUser("viewer")),
    signIn(await createUser("manager", { name: "Manager A" })),
    signIn(await createUser("manager", { name: "Manager B" })),
  ]);
  const accountA = await insertAccount("Acme (A)", managerA.user.id, "enterprise");
  const accountB = await insertAccount("Bolt (B)", managerB.user.id, "smb");
  const accountNone = await insertAccount("Nobody's", null, "smb");
  const survey = await createSurvey({ name: "Access survey" });
  const rA = await answer(survey.id, accountA, 3, "A: too slow");
  const rB = await answer(survey.id, accountB, 2, "B: it broke");
  const rNone = await answer(survey.id, accountNone, 10, "Unmanaged: great");
  const keys = {
    admin: ADMIN,
    viewer: await apiKeyFor("viewer", null),
    managerA: await apiKeyFor("manager", managerA.user.id),
    managerB: await apiKeyFor("manager", managerB.user.id),
  };
  return { survey, admin, viewer, managerA, managerB, keys, accountA, accountB, accountNone, rA, rB, rNone };
}

export const userRow = (id: string) => db.select().from(schema.users).where(eq(schema.users.id, id)).get();
