/**
 * Collection: public (the widget, link pages, email clicks) under
 *   POST  /api/v1/surveys/:surveyId/responses        submit or update by client-generated id
 *   PATCH /api/v1/surveys/:surveyId/responses/:id    add the comment later
 * and reading (API key or session): GET /api/v1/surveys/:surveyId/responses.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq } from "drizzle-orm";
import { decodeResponseCursor, encodeResponseCursor, olderThan } from "../db/queries/responseCursor";
import { responses } from "../db/schema";
import { notFound } from "../lib/errors";
import { empty, error, errors, json, jsonBody, KEY_OR_SESSION, params, plainBody, PUBLIC, router } from "../lib/openapi";
import { requireAuth } from "../middleware/auth";
import { rateLimit } from "../middleware/rateLimit";
import { openSurvey, preflight } from "../middleware/surveyOrigin";
import { PatchResponseSchema, ResponseListQuery, ResponseSchema, SubmitResponseSchema } from "../schemas/responses";
import { recordResponse, responseView, updateResponse } from "../services/recordResponse";
import { responsesInScopeInTimeOrder } from "../services/scope";
import { findSurvey } from "../services/surveys";
import { workspaceTz } from "../lib/timezone";

const tags = ["responses"];
const publicErrors = {
  ...errors(400, 404, 413, 429),
  403: error("Origin not allowed, or identity signature wrong"),
  410: error("Survey archived"),
};

/** The CORS preflight of a public endpoint: allowed origins only. */
export const preflightRoute = <P extends string>(path: P, summary: string, tag: string) =>
  createRoute({
    method: "options",
    path,
    summary,
    tags: [tag],
    security: PUBLIC,
    request: { params: params("surveyId") },
    responses: { 204: empty("Allowed: the CORS headers for this origin"), ...errors(404), 403: error("Origin not allowed") },
  });

const submit = createRoute({
  method: "post",
  path: "/{surveyId}/responses",
  summary: "Submit an answer, or update it by sending the same client-generated id again (idempotent)",
  description: "The body may be sent as `text/plain` (the widget does, so browsers send no CORS preflight).",
  tags,
  security: PUBLIC,
  middleware: [rateLimit("write"), openSurvey, jsonBody()] as const,
  request: { params: params("surveyId"), body: plainBody(SubmitResponseSchema) },
  responses: {
    201: json(ResponseSchema.extend({ editToken: z.string().optional() }), "Stored; `editToken` goes back once, to the creator"),
    200: json(ResponseSchema, "Already stored: updated (comment, changed score)"),
    ...publicErrors,
    409: error("The id belongs to another survey"),
  },
});

const complete = createRoute({
  method: "patch",
  path: "/{surveyId}/responses/{responseId}",
  summary: "Add the comment (or extra answers) to an answer; needs its edit token",
  description: "The body may be sent as `text/plain`.",
  tags,
  security: PUBLIC,
  middleware: [rateLimit("write"), openSurvey, jsonBody()] as const,
  request: { params: params("surveyId", "responseId"), body: plainBody(PatchResponseSchema) },
  responses: { 200: json(ResponseSchema, "Updated"), ...publicErrors },
});

const list = createRoute({
  method: "get",
  path: "/{surveyId}/responses",
  summary: "List answers, newest first (`?limit`, `?before` cursor)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { params: params("surveyId"), query: ResponseListQuery },
  responses: {
    200: json(z.object({ data: z.array(ResponseSchema), next: z.string().nullable() }), "A page of answers"),
    ...errors(400, 401, 404),
  },
});

export const responsesRoute = router()
  .openapi(preflightRoute("/{surveyId}/responses", "CORS preflight of the submission", "responses"), async (c) =>
    preflight(c, await findSurvey(c.var.db, c.req.valid("param").surveyId)),
  )
  .openapi(preflightRoute("/{surveyId}/responses/{responseId}", "CORS preflight of the completion", "responses"), async (c) =>
    preflight(c, await findSurvey(c.var.db, c.req.valid("param").surveyId)),
  )
  .openapi(submit, async (c) => {
    const { response, created, editToken } = await recordResponse(c.var.db, c.var.survey, c.req.valid("json"), {
      timeZone: workspaceTz(c.env),
      // Browsers always send Origin on a POST (the widget, sendBeacon included); servers do not.
      channel: c.req.header("origin") ? "widget" : "api",
      defer: (work) => c.executionCtx.waitUntil(work),
    });
    // The edit token goes back once, to the creator; a retry's reply never carries it.
    return created ? c.json({ ...responseView(response), editToken }, 201) : c.json(responseView(response), 200);
  })
  .openapi(complete, async (c) => {
    const id = z.uuid().safeParse(c.req.valid("param").responseId);
    if (!id.success) throw notFound("Response");
    const { editToken, ...patch } = c.req.valid("json");
    const defer = (work: Promise<unknown>) => c.executionCtx.waitUntil(work);
    const updated = await updateResponse(c.var.db, c.var.survey, id.data, patch, { editToken, defer });
    if (!updated) throw notFound("Response");
    return c.json(responseView(updated), 200);
  })
  .openapi(list, async (c) => {
    const survey = await findSurvey(c.var.db, c.req.valid("param").surveyId);
    const q = c.req.valid("query");
    const after = olderThan(decodeResponseCursor(q.before));
    const rows = await c.var.db
      .select()
      .from(responses)
      .where(and(eq(responses.surveyId, survey.id), after, responsesInScopeInTimeOrder(c.var.db, c.var.principal)))
      .orderBy(desc(responses.createdAt), desc(responses.id))
      .limit(q.limit)
      .all();
    const last = rows.at(-1);
    return c.json({ data: rows.map(responseView), next: rows.length === q.limit && last ? encodeResponseCursor(last) : null }, 200);
  });
