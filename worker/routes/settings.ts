/**
 * Workspace settings: everyone signed in reads them, admins change them. A new due delay applies
 * to items created afterwards; existing items keep their due day.
 */
import { createRoute } from "@hono/zod-openapi";
import { audit } from "../auth/audit";
import { body, errors, json, jsonBody, KEY_OR_SESSION, router } from "../lib/openapi";
import { requireAuth } from "../middleware/auth";
import { PatchSettingsSchema, SettingsSchema } from "../schemas/settings";
import { assertSurveyExists, getSettings, putSettings } from "../services/settings";

const tags = ["settings"];

const get = createRoute({
  method: "get",
  path: "/",
  summary: "Workspace settings",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  responses: { 200: json(SettingsSchema, "The settings"), ...errors(401) },
});

const patch = createRoute({
  method: "patch",
  path: "/",
  summary: "Change workspace settings (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody(4096)] as const,
  request: { body: body(PatchSettingsSchema) },
  responses: { 200: json(SettingsSchema, "The settings"), ...errors(400, 401, 403, 413) },
});

export const settingsRoute = router()
  .openapi(get, async (c) => c.json(await getSettings(c.var.db), 200))
  .openapi(patch, async (c) => {
    const input = c.req.valid("json");
    if (input.defaultSurveyId) await assertSurveyExists(c.var.db, input.defaultSurveyId, "defaultSurveyId");
    await putSettings(c.var.db, input);
    await audit(c.var.db, c.var.principal, "settings.update", "workspace", input);
    return c.json(await getSettings(c.var.db), 200);
  });
