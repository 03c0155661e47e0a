/** Reading users and shaping them for the API (never with their password hash). */
import { eq } from "drizzle-orm";
import { users } from "../db/schema";
import type { Db } from "../env";
import { notFound } from "../lib/errors";

export type UserRow = typeof users.$inferSelect;

export function userView(u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    locale: u.locale,
    slackWebhookUrl: u.slackWebhookUrl,
    digestOptOut: u.digestOptOut,
    lastSurveyId: u.lastSurveyId,
    disabled: u.disabledAt !== null,
    disabledAt: u.disabledAt?.toISOString() ?? null,
    hasPassword: u.passwordHash !== null,
    createdAt: u.createdAt.toISOString(),
  };
}

export async function findUser(db: Db, id: string): Promise<UserRow> {
  const row = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await db.select().from(users).where(eq(users.id, id)).get() : undefined;
  if (!row) throw notFound("User");
  return row;
}
