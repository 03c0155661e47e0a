/**
 * Whether to ask a known contact now (the server decides; anonymous visitors are throttled by the
 * widget in localStorage with the same day counts):
 * - answered this survey within `resurveyDays` → no;
 * - dismissed it within `dismissDays` → no;
 * - outside the sampled share of people → no (decided by a hash, so the same person always gets
 *   the same answer for the same survey, and sampling does not re-roll on every page view).
 */
import { and, eq, gte } from "drizzle-orm";
import { dismissals, responses, type surveys } from "../db/schema";
import type { Db } from "../env";
import { sha256Hex } from "../lib/ids";

type Survey = typeof surveys.$inferSelect;
export type SkipReason = "inactive" | "answered" | "dismissed" | "sampled_out";

const DAY_MS = 86_400_000;

/** 0–99, stable for one survey and one subject. */
export async function samplingSlot(surveyId: string, subject: string): Promise<number> {
  const hex = await sha256Hex(`${surveyId}:${subject}`);
  return parseInt(hex.slice(0, 8), 16) % 100;
}

export async function skipReason(
  db: Db,
  survey: Survey,
  who: { contactId: string | null; subject: string | null },
  now = Date.now(),
): Promise<SkipReason | null> {
  if (survey.status !== "active") return "inactive";
  if (who.contactId) {
    const answered = await db
      .select({ id: responses.id })
      .from(responses)
      .where(
        and(
          eq(responses.contactId, who.contactId),
          gte(responses.createdAt, new Date(now - survey.resurveyDays * DAY_MS)),
          eq(responses.surveyId, survey.id),
        ),
      )
      .limit(1)
      .get();
    if (answered) return "answered";
    const dismissed = await db
      .select({ id: dismissals.id })
      .from(dismissals)
      .where(
        and(
          eq(dismissals.contactId, who.contactId),
          gte(dismissals.createdAt, new Date(now - survey.dismissDays * DAY_MS)),
          eq(dismissals.surveyId, survey.id),
        ),
      )
      .limit(1)
      .get();
    if (dismissed) return "dismissed";
  }
  if (who.subject && survey.samplingPercent < 100) {
    if ((await samplingSlot(survey.id, who.subject)) >= survey.samplingPercent) return "sampled_out";
  }
  return null;
}
