/** Survey definitions (API key or admin session). */
import { createRoute, z } from "@hono/zod-openapi";
import { desc, eq, ne } from "drizzle-orm";
import { surveys } from "../db/schema";
import { newId, newSecret } from "../lib/ids";
import { body, errors, json, jsonBody, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { requireAuth } from "../middleware/auth";
import { CreateSurveySchema, PatchSurveySchema, SurveyListQuery, SurveySchema } from "../schemas/surveys";
import { findSurvey, forgetSurvey, surveyView } from "../services/surveys";

const tags = ["surveys"];
const SurveyParams = params("surveyId");

const create = createRoute({
  method: "post",
  path: "/",
  summary: "Create a survey (only name and kind are required; admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody()] as const,
  request: { body: body(CreateSurveySchema) },
  responses: { 201: json(SurveySchema, "The survey, with its signing secret"), ...errors(400, 401, 403, 413) },
});

const list = createRoute({
  method: "get",
  path: "/",
  summary: "List surveys (`?include=archived` for archived ones too)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { query: SurveyListQuery },
  responses: { 200: json(z.object({ data: z.array(SurveySchema) }), "Newest first"), ...errors(400, 401) },
});

const get = createRoute({
  method: "get",
  path: "/{surveyId}",
  summary: "Get a survey",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { params: SurveyParams },
  responses: { 200: json(SurveySchema, "The survey"), ...errors(401, 404) },
});

const patch = createRoute({
  method: "patch",
  path: "/{surveyId}",
  summary: "Change a survey's settings (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody()] as const,
  request: { params: SurveyParams, body: body(PatchSurveySchema) },
  responses: { 200: json(SurveySchema, "The survey"), ...errors(400, 401, 403, 404, 413) },
});

const archive = createRoute({
  method: "post",
  path: "/{surveyId}/archive",
  summary: "Archive a survey (it stops accepting answers; answers are kept; admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: { params: SurveyParams },
  responses: { 200: json(SurveySchema, "The survey"), ...errors(401, 403, 404) },
});

export const surveysRoute = router()
  .openapi(create, async (c) => {
    const input = c.req.valid("json");
    const row = await c.var.db
      .insert(surveys)
      .values({
        ...input,
        id: newId("srv"),
        signingSecret: newSecret("whsec_"),
        createdAt: new Date(),
        updatedAt: new Date(),
      })
      .returning()
      .get();
    return c.json(surveyView(row, true), 201);
  })
  .openapi(list, async (c) => {
    const all = c.req.valid("query").include === "archived";
    const rows = await c.var.db
      .select()
      .from(surveys)
      .where(all ? undefined : ne(surveys.status, "archived"))
      .orderBy(desc(surveys.createdAt))
      .all();
    const admin = c.var.principal.role === "admin";
    return c.json({ data: rows.map((s) => surveyView(s, admin)) }, 200);
  })
  .openapi(get, async (c) => {
    const row = await findSurvey(c.var.db, c.req.valid("param").surveyId);
    return c.json(surveyView(row, c.var.principal.role === "admin"), 200);
  })
  .openapi(patch, async (c) => {
    const { surveyId: id } = c.req.valid("param");
    await findSurvey(c.var.db, id);
    const input = c.req.valid("json");
    const archivedAt = input.status === undefined ? {} : { archivedAt: input.status === "archived" ? new Date() : null };
    const row = await c.var.db
      .update(surveys)
      .set({ ...input, ...archivedAt, updatedAt: new Date() })
      .where(eq(surveys.id, id))
      .returning()
      .get();
    forgetSurvey(id);
    return c.json(surveyView(row!, true), 200);
  })
  .openapi(archive, async (c) => {
    const { surveyId: id } = c.req.valid("param");
    await findSurvey(c.var.db, id);
    const row = await c.var.db
      .update(surveys)
      .set({ status: "archived", archivedAt: new Date(), updatedAt: new Date() })
      .where(eq(surveys.id, id))
      .returning()
      .get();
    forgetSurvey(id);
    return c.json(surveyView(row!, true), 200);
  });
