/**
 * Integration settings (admins):
 *   GET /api/v1/integrations/delighted   → {surveyId, resolvedSurveyId}: the survey /v1 speaks for
 *   PUT /api/v1/integrations/delighted   {surveyId: string | null}  (null: the oldest active NPS survey)
 * docs/INTEGRATIONS.md.
 */
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { z } from "zod";
import { settings, surveys } from "../db/schema";
import type { AppEnv } from "../env";
import { badRequest } from "../lib/errors";
import { readBody } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { V1_SURVEY_SETTING, v1Survey } from "../services/delighted";

const DelightedSettingsSchema = z.object({ surveyId: z.string().min(1).max(64).nullable() }).strict();

async function view(c: { var: AppEnv["Variables"] }) {
  const row = await c.var.db.select({ value: settings.value }).from(settings).where(eq(settings.key, V1_SURVEY_SETTING)).get();
  const resolved = await v1Survey(c.var.db).then((s) => s.id, () => null);
  return { surveyId: typeof row?.value === "string" ? row.value : null, resolvedSurveyId: resolved };
}

export const integrationsRoute = new Hono<AppEnv>()
  .get("/delighted", requireAuth("admin"), async (c) => c.json(await view(c)))
  .put("/delighted", requireAuth("admin"), async (c) => {
    const body = await readBody(c, DelightedSettingsSchema, 1024);
    if (body.surveyId === null) {
      await c.var.db.delete(settings).where(eq(settings.key, V1_SURVEY_SETTING));
    } else {
      const s = await c.var.db.select({ kind: surveys.kind, status: surveys.status }).from(surveys).where(eq(surveys.id, body.surveyId)).get();
      if (!s || s.status === "archived") throw badRequest("invalid_field", "No such survey (or it is archived)", "surveyId");
      if (s.kind !== "nps") throw badRequest("invalid_field", "The Delighted-compatible API speaks for an NPS survey", "surveyId");
      await c.var.db
        .insert(settings)
        .values({ key: V1_SURVEY_SETTING, value: body.surveyId })
        .onConflictDoUpdate({ target: settings.key, set: { value: body.surveyId, updatedAt: new Date() } });
    }
    return c.json(await view(c));
  });
