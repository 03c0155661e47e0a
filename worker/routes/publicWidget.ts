/**
 * The widget's two public endpoints besides submission (routes/responses.ts):
 *   GET  /api/v1/surveys/:surveyId/widget       settings + "ask this person now?", cached
 *   POST /api/v1/surveys/:surveyId/dismissals   the person closed the survey without answering
 * Both answer browsers on the survey's allowed origins only. The POST takes a `text/plain` JSON
 * body, so browsers send it without a CORS preflight.
 */
import { createRoute } from "@hono/zod-openapi";
import { error, errors, json, jsonBody, params, plainBody, PUBLIC, router } from "../lib/openapi";
import { rateLimit } from "../middleware/rateLimit";
import { checkOrigin, openSurvey, preflight } from "../middleware/surveyOrigin";
import { DismissalResultSchema, DismissalSchema, WidgetQuery, WidgetSettingsSchema } from "../schemas/public";
import { findContactId, findOrCreateContact } from "../services/contacts";
import { recordDismissal } from "../services/dismissals";
import { signatureSubject, trustedContact } from "../services/identity";
import { publicSurvey, surveyLocale } from "../services/publicSurvey";
import { findSurvey } from "../services/surveys";
import { skipReason } from "../services/throttle";
import { preflightRoute } from "./responses";

const tags = ["widget"];

const settings = createRoute({
  method: "get",
  path: "/{surveyId}/widget",
  summary: "The widget's settings in the visitor's language, and whether to ask this person now",
  tags,
  security: PUBLIC,
  middleware: [rateLimit("read")] as const,
  request: { params: params("surveyId"), query: WidgetQuery },
  responses: {
    200: json(WidgetSettingsSchema, "Settings; cached 5 minutes for anonymous visitors, 1 minute privately for a contact"),
    ...errors(400, 404, 429),
    403: error("Origin not allowed, or identity signature wrong"),
  },
});

const dismiss = createRoute({
  method: "post",
  path: "/{surveyId}/dismissals",
  summary: "Record that the person closed the survey without answering (idempotent by client id)",
  description: "The body may be sent as `text/plain`.",
  tags,
  security: PUBLIC,
  middleware: [rateLimit("write"), openSurvey, jsonBody(4096)] as const,
  request: { params: params("surveyId"), body: plainBody(DismissalSchema) },
  responses: {
    201: json(DismissalResultSchema, "Recorded"),
    200: json(DismissalResultSchema, "Already recorded"),
    ...errors(400, 404, 413, 429),
    403: error("Origin not allowed, or identity signature wrong"),
    409: error("This dismissal id belongs to another survey"),
    410: error("Survey archived"),
  },
});

export const publicWidgetRoute = router()
  .openapi(preflightRoute("/{surveyId}/dismissals", "CORS preflight of the dismissal", "widget"), async (c) =>
    preflight(c, await findSurvey(c.var.db, c.req.valid("param").surveyId)),
  )
  .openapi(settings, async (c) => {
    const survey = await findSurvey(c.var.db, c.req.valid("param").surveyId);
    checkOrigin(c, survey);
    const q = c.req.valid("query");
    const identified = q.uid !== undefined || q.email !== undefined;
    // Asking "has X answered?" reveals something about X: with verification on, prove you are X,
    // and only what the signature covers is looked up (an unsigned email beside a signed id is not).
    const ref = identified ? await trustedContact(survey, { id: q.uid, email: q.email, account: q.account }, q.sig) : {};
    const contactId = identified ? await findContactId(c.var.db, ref) : null;
    const reason = await skipReason(c.var.db, survey, {
      contactId,
      subject: identified ? signatureSubject(ref) : null,
    });
    const locale = surveyLocale(survey, (q.l ?? "").split(",").slice(0, 8));
    // Anonymous settings are the same for every visitor; a contact's verdict is theirs alone and
    // short-lived, since answering changes it (the widget also remembers the answer locally).
    c.header("Cache-Control", identified ? "private, max-age=60" : "public, max-age=300");
    return c.json(
      {
        ...publicSurvey(survey, locale),
        show: reason === null,
        reason,
        // For anonymous visitors the widget applies these itself, in localStorage.
        sampling: identified ? 100 : survey.samplingPercent,
        resurveyDays: survey.resurveyDays,
        dismissDays: survey.dismissDays,
        requireSignature: survey.requireSignature,
      },
      200,
    );
  })
  .openapi(dismiss, async (c) => {
    const survey = c.var.survey;
    const input = c.req.valid("json");
    let contactId: string | null = null;
    if (input.contact) {
      const claim = await trustedContact(survey, input.contact, input.signature);
      contactId = (await findOrCreateContact(c.var.db, claim)).contactId;
    }
    const result = await recordDismissal(c.var.db, survey, { id: input.id, contactId });
    return result.recorded ? c.json(result, 201) : c.json(result, 200);
  });
