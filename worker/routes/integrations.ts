/**
 * Integration settings (admins):
 *   GET /api/v1/integrations/delighted   → {surveyId, resolvedSurveyId}: the survey /v1 speaks for
 *   PUT /api/v1/integrations/delighted   {surveyId: string | null}  (null: the oldest active NPS survey)
 * docs/INTEGRATIONS.md.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { settings, surveys } from "../db/schema";
import type { Db } from "../env";
import { badRequest } from "../lib/errors";
import { body, errors, json, jsonBody, KEY_OR_SESSION, router } from "../lib/openapi";
import { requireAuth } from "../middleware/auth";
import { V1_SURVEY_SETTING, v1Survey } from "../services/delighted";

const DelightedSettingsSchema = z
  .object({ surveyId: z.string().min(1).max(64).nullable().openapi({ description: "An NPS survey; null: the oldest active one" }) })
  .strict();
const DelightedSettingsView = z.object({
  surveyId: z.string().nullable().openapi({ description: "The survey set, if any" }),
  resolvedSurveyId: z.string().nullable().openapi({ description: "The survey /v1 speaks for now (null: no NPS survey)" }),
});

async function view(db: Db) {
  const row = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, V1_SURVEY_SETTING)).get();
  const resolved = await v1Survey(db).then(
    (s) => s.id,
    () => null,
  );
  return { surveyId: typeof row?.value === "string" ? row.value : null, resolvedSurveyId: resolved };
}

const tags = ["integrations"];

const read = createRoute({
  method: "get",
  path: "/delighted",
  summary: "The survey the Delighted-compatible /v1 API speaks for (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  responses: { 200: json(DelightedSettingsView, "The setting and the survey it resolves to"), ...errors(401, 403) },
});

const write = createRoute({
  method: "put",
  path: "/delighted",
  summary: "Choose the survey the Delighted-compatible /v1 API speaks for (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody(1024)] as const,
  request: { body: body(DelightedSettingsSchema) },
  responses: { 200: json(DelightedSettingsView, "The setting and the survey it resolves to"), ...errors(400, 401, 403, 413) },
});

export const integrationsRoute = router()
  .openapi(read, async (c) => c.json(await view(c.var.db), 200))
  .openapi(write, async (c) => {
    const { surveyId } = c.req.valid("json");
    if (surveyId === null) {
      await c.var.db.delete(settings).where(eq(settings.key, V1_SURVEY_SETTING));
    } else {
      const s = await c.var.db.select({ kind: surveys.kind, status: surveys.status }).from(surveys).where(eq(surveys.id, surveyId)).get();
      if (!s || s.status === "archived") throw badRequest("invalid_field", "No such survey (or it is archived)", "surveyId");
      if (s.kind !== "nps") throw badRequest("invalid_field", "The Delighted-compatible API speaks for an NPS survey", "surveyId");
      await c.var.db
        .insert(settings)
        .values({ key: V1_SURVEY_SETTING, value: surveyId })
        .onConflictDoUpdate({ target: settings.key, set: { value: surveyId, updatedAt: new Date() } });
    }
    return c.json(await view(c.var.db), 200);
  });
