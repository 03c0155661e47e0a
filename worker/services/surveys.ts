/** Reading surveys: by id (404 otherwise), through a short per-isolate cache, and their API view. */
import { eq } from "drizzle-orm";
import { surveys } from "../db/schema";
import type { Db } from "../env";
import { notFound } from "../lib/errors";

export type SurveyRow = typeof surveys.$inferSelect;

/** API view of a survey. The signing secret is shown to admins only (they give it to servers). */
export function surveyView(s: SurveyRow, showSecret: boolean) {
  const { signingSecret, ...rest } = s;
  return {
    ...rest,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    archivedAt: s.archivedAt?.toISOString() ?? null,
    ...(showSecret ? { signingSecret } : {}),
  };
}

export async function findSurvey(db: Db, id: string): Promise<SurveyRow> {
  const row = await db.select().from(surveys).where(eq(surveys.id, id)).get();
  if (!row) throw notFound("Survey");
  return row;
}

/**
 * Public endpoints (every widget load and answer) read the survey through a short per-isolate
 * cache: a survey changes rarely, and in production each D1 query is a network round trip.
 * Writes here drop the entry at once; other isolates see a change within SURVEY_CACHE_MS.
 */
export const SURVEY_CACHE_MS = 5_000;
const cache = new Map<string, { row: SurveyRow; until: number }>();

export async function findSurveyCached(db: Db, id: string): Promise<SurveyRow> {
  const hit = cache.get(id);
  if (hit && hit.until > Date.now()) return hit.row;
  const row = await findSurvey(db, id);
  if (cache.size > 1000) cache.clear();
  cache.set(id, { row, until: Date.now() + SURVEY_CACHE_MS });
  return row;
}

export const forgetSurvey = (id: string) => void cache.delete(id);
