/**
 * Workspace settings (the `settings` table, one JSON value per key), with their defaults. Keys are
 * snake_case because SQL reads some of them too (the follow-up trigger reads
 * `followup_due_working_days`).
 */
import { eq, inArray } from "drizzle-orm";
import { settings, surveys } from "../db/schema";
import { badRequest } from "../lib/errors";
import type { Db } from "../env";

export interface WorkspaceSettings {
  /** Working days (Mon–Fri) after an answer by which its follow-up is due. */
  followupDueWorkingDays: number;
  /** The survey the overview opens on when the user has not chosen one yet; null: the newest. */
  defaultSurveyId: string | null;
}

const KEYS = { followupDueWorkingDays: "followup_due_working_days", defaultSurveyId: "default_survey_id" } as const;
export const DEFAULT_SETTINGS: WorkspaceSettings = { followupDueWorkingDays: 2, defaultSurveyId: null };

export async function getSettings(db: Db): Promise<WorkspaceSettings> {
  const rows = await db
    .select()
    .from(settings)
    .where(inArray(settings.key, Object.values(KEYS)))
    .all();
  const byKey = new Map(rows.map((r) => [r.key, r.value]));
  const due = byKey.get(KEYS.followupDueWorkingDays);
  const survey = byKey.get(KEYS.defaultSurveyId);
  return {
    followupDueWorkingDays: typeof due === "number" ? due : DEFAULT_SETTINGS.followupDueWorkingDays,
    defaultSurveyId: typeof survey === "string" ? survey : null,
  };
}

export async function putSettings(db: Db, patch: Partial<WorkspaceSettings>): Promise<void> {
  const now = new Date();
  for (const [k, v] of Object.entries(patch) as [keyof WorkspaceSettings, unknown][]) {
    if (v === undefined) continue;
    const key = KEYS[k];
    if (v === null) await db.delete(settings).where(eq(settings.key, key));
    else
      await db
        .insert(settings)
        .values({ key, value: v, updatedAt: now })
        .onConflictDoUpdate({ target: settings.key, set: { value: v, updatedAt: now } });
  }
}

/** 400 naming `field` when no such survey exists (settings and preferences must point at one). */
export async function assertSurveyExists(db: Db, surveyId: string, field: string): Promise<void> {
  const row = await db.select({ id: surveys.id }).from(surveys).where(eq(surveys.id, surveyId)).get();
  if (!row) throw badRequest("unknown_survey", "No such survey", field);
}
