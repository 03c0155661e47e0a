/**
 * Workspace settings:
 *   GET   /api/v1/settings   → {followupDueWorkingDays, defaultSurveyId}   (everyone signed in)
 *   PATCH /api/v1/settings   {followupDueWorkingDays?, defaultSurveyId?}  (admins)
 * A new due delay applies to items created afterwards; existing items keep their due day.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { readBody } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { PatchSettingsSchema } from "../schemas/settings";
import { assertSurveyExists, getSettings, putSettings } from "../services/settings";
import { audit } from "../auth/audit";

export const settingsRoute = new Hono<AppEnv>()
  .get("/", requireAuth(), async (c) => c.json(await getSettings(c.var.db)))
  .patch("/", requireAuth("admin"), async (c) => {
    const body = await readBody(c, PatchSettingsSchema, 4096);
    if (body.defaultSurveyId) await assertSurveyExists(c.var.db, body.defaultSurveyId, "defaultSurveyId");
    await putSettings(c.var.db, body);
    await audit(c.var.db, c.var.principal, "settings.update", "workspace", body);
    return c.json(await getSettings(c.var.db));
  });
