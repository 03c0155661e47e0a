/** Workspace settings: what admins may change, with bounds. */
import { z } from "@hono/zod-openapi";

export const SettingsSchema = z
  .object({
    followupDueWorkingDays: z.number().int().openapi({ description: "Working days (Monday–Friday) after an answer by which its follow-up is due" }),
    defaultSurveyId: z.string().nullable().openapi({ description: "The survey the overview opens on by default; null: the newest" }),
  })
  .openapi("Settings");

export const PatchSettingsSchema = z
  .object({
    /** Working days (Monday–Friday) after an answer by which its follow-up is due. */
    followupDueWorkingDays: z.number().int().min(1).max(30).optional(),
    /** The survey the overview opens on by default; null: the newest. */
    defaultSurveyId: z.string().trim().min(1).max(64).nullable().optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), "nothing to change");
