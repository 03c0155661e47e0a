/**
 * Collection: public (the widget, link pages, email clicks) under
 *   POST  /api/v1/surveys/:surveyId/responses        submit or update by client-generated id
 *   PATCH /api/v1/surveys/:surveyId/responses/:id    add the comment later
 * and reading (API key or session): GET /api/v1/surveys/:surveyId/responses.
 */
import { and, desc, eq } from "drizzle-orm";
import { decodeResponseCursor, encodeResponseCursor, olderThan } from "../db/queries/responseCursor";
import { Hono } from "hono";
import { z } from "zod";
import { responses } from "../db/schema";
import type { AppEnv } from "../env";
import { readBody, parseQuery } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { rateLimit } from "../middleware/rateLimit";
import { checkOrigin, preflight } from "../middleware/surveyOrigin";
import { PatchResponseSchema, SubmitResponseSchema } from "../schemas/responses";
import { recordResponse, responseView, updateResponse } from "../services/recordResponse";
import { responsesInScope } from "../services/scope";
import { ApiError } from "../lib/errors";
import { findSurvey, findSurveyCached } from "./surveys";

const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Opaque cursor from the previous page's `next`. */
  before: z.string().max(100).optional(),
});

/** A survey that accepts answers from this caller's origin (404, 403 or 410 otherwise). */
export async function openSurvey(c: Parameters<typeof checkOrigin>[0]) {
  const survey = await findSurveyCached(c.var.db, c.req.param("surveyId")!);
  checkOrigin(c, survey);
  if (survey.status === "archived") {
    throw new ApiError(410, "survey_archived", "This survey no longer accepts answers");
  }
  return survey;
}

export const responsesRoute = new Hono<AppEnv>()
  .options("/:surveyId/responses", async (c) => preflight(c, await findSurvey(c.var.db, c.req.param("surveyId"))))
  .options("/:surveyId/responses/:id", async (c) => preflight(c, await findSurvey(c.var.db, c.req.param("surveyId"))))
  .post("/:surveyId/responses", rateLimit("write"), async (c) => {
    const survey = await openSurvey(c);
    const input = await readBody(c, SubmitResponseSchema);
    const { response, created, editToken } = await recordResponse(c.var.db, survey, input, {
      timeZone: c.env.TIMEZONE || "UTC",
      // Browsers always send Origin on a POST (the widget, sendBeacon included); servers do not.
      channel: c.req.header("origin") ? "widget" : "api",
      defer: (work) => c.executionCtx.waitUntil(work),
    });
    // The edit token goes back once, to the creator; a retry's reply never carries it.
    return created ? c.json({ ...responseView(response), editToken }, 201) : c.json(responseView(response), 200);
  })
  .patch("/:surveyId/responses/:id", rateLimit("write"), async (c) => {
    const survey = await openSurvey(c);
    const id = z.uuid().safeParse(c.req.param("id"));
    if (!id.success) throw new ApiError(404, "not_found", "Response not found");
    const { editToken, ...patch } = await readBody(c, PatchResponseSchema);
    const defer = (work: Promise<unknown>) => c.executionCtx.waitUntil(work);
    const updated = await updateResponse(c.var.db, survey, id.data, patch, { editToken, defer });
    if (!updated) throw new ApiError(404, "not_found", "Response not found");
    return c.json(responseView(updated));
  })
  .get("/:surveyId/responses", requireAuth(), async (c) => {
    const survey = await findSurvey(c.var.db, c.req.param("surveyId"));
    const q = parseQuery(c, ListQuery);
    const after = olderThan(decodeResponseCursor(q.before));
    const rows = await c.var.db
      .select()
      .from(responses)
      .where(
        and(
          eq(responses.surveyId, survey.id),
          after,
          responsesInScope(c.var.db, c.var.principal),
        ),
      )
      .orderBy(desc(responses.createdAt), desc(responses.id))
      .limit(q.limit)
      .all();
    const last = rows.at(-1);
    return c.json({
      data: rows.map(responseView),
      next: rows.length === q.limit && last ? encodeResponseCursor(last) : null,
    });
  });
