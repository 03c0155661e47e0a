/**
 * Dismissals: the person closed the survey without answering. Idempotent by the client's id: a
 * retry answers with the dismissal stored the first time; the same id on another survey is a
 * conflict (409 on `id`, as for answers), never reported as "already recorded" there.
 */
import { eq } from "drizzle-orm";
import { dismissals, type surveys } from "../db/schema";
import type { Db } from "../env";
import { ApiError } from "../lib/errors";

export interface DismissalResult {
  id: string;
  surveyId: string;
  contactId: string | null;
  recorded: boolean;
}

export async function recordDismissal(
  db: Db,
  survey: typeof surveys.$inferSelect,
  input: { id: string; contactId: string | null; now?: Date },
): Promise<DismissalResult> {
  const row = await db
    .insert(dismissals)
    .values({ id: input.id, surveyId: survey.id, contactId: input.contactId, channel: "widget", createdAt: input.now ?? new Date() })
    .onConflictDoNothing()
    .returning({ id: dismissals.id })
    .get();
  if (row) return { id: input.id, surveyId: survey.id, contactId: input.contactId, recorded: true };
  const stored = await db
    .select({ surveyId: dismissals.surveyId, contactId: dismissals.contactId })
    .from(dismissals)
    .where(eq(dismissals.id, input.id))
    .get();
  if (!stored || stored.surveyId !== survey.id) throw new ApiError(409, "id_conflict", "This dismissal id belongs to another survey", "id");
  return { id: input.id, surveyId: survey.id, contactId: stored.contactId, recorded: false };
}
