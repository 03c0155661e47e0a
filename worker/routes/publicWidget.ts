/**
 * The widget's two public endpoints besides submission (routes/responses.ts):
 *   GET  /api/v1/surveys/:surveyId/widget       settings + "ask this person now?", cached
 *   POST /api/v1/surveys/:surveyId/dismissals   the person closed the survey without answering
 * Both answer browsers on the survey's allowed origins only. The POST takes a `text/plain` JSON
 * body, so browsers send it without a CORS preflight.
 */
import { Hono } from "hono";
import { dismissals } from "../db/schema";
import type { AppEnv } from "../env";
import { parseQuery, readBody } from "../lib/validate";
import { rateLimit } from "../middleware/rateLimit";
import { checkOrigin, preflight } from "../middleware/surveyOrigin";
import { DismissalSchema, WidgetQuery } from "../schemas/public";
import { findContactId, findOrCreateContact } from "../services/contacts";
import { signatureSubject, trustedContact } from "../services/identity";
import { publicSurvey, surveyLocale } from "../services/publicSurvey";
import { skipReason } from "../services/throttle";
import { openSurvey } from "./responses";
import { findSurvey } from "./surveys";

export const publicWidgetRoute = new Hono<AppEnv>()
  .options("/:surveyId/dismissals", async (c) => preflight(c, await findSurvey(c.var.db, c.req.param("surveyId"))))
  .get("/:surveyId/widget", rateLimit("read"), async (c) => {
    const survey = await findSurvey(c.var.db, c.req.param("surveyId"));
    checkOrigin(c, survey);
    const q = parseQuery(c, WidgetQuery);
    const identified = q.uid !== undefined || q.email !== undefined;
    // Asking "has X answered?" reveals something about X: with verification on, prove you are X,
    // and only what the signature covers is looked up (an unsigned email beside a signed id is not).
    const ref = identified ? await trustedContact(survey, { id: q.uid, email: q.email }, q.sig) : {};
    const contactId = identified ? await findContactId(c.var.db, ref) : null;
    const reason = await skipReason(c.var.db, survey, {
      contactId,
      subject: identified ? signatureSubject(ref) : null,
    });
    const locale = surveyLocale(survey, (q.l ?? "").split(",").slice(0, 8));
    // Anonymous settings are the same for every visitor; a contact's verdict is theirs alone and
    // short-lived, since answering changes it (the widget also remembers the answer locally).
    c.header("Cache-Control", identified ? "private, max-age=60" : "public, max-age=300");
    return c.json({
      ...publicSurvey(survey, locale),
      show: reason === null,
      reason,
      // For anonymous visitors the widget applies these itself, in localStorage.
      sampling: identified ? 100 : survey.samplingPercent,
      resurveyDays: survey.resurveyDays,
      dismissDays: survey.dismissDays,
      requireSignature: survey.requireSignature,
    });
  })
  .post("/:surveyId/dismissals", rateLimit("write"), async (c) => {
    const survey = await openSurvey(c);
    const body = await readBody(c, DismissalSchema, 4096);
    let contactId: string | null = null;
    if (body.contact) {
      const claim = await trustedContact(survey, body.contact, body.signature);
      contactId = (await findOrCreateContact(c.var.db, claim)).contactId;
    }
    const row = await c.var.db
      .insert(dismissals)
      .values({ id: body.id, surveyId: survey.id, contactId, channel: "widget", createdAt: new Date() })
      .onConflictDoNothing()
      .returning({ id: dismissals.id })
      .get();
    return c.json({ id: body.id, surveyId: survey.id, contactId, recorded: row !== undefined }, row ? 201 : 200);
  });
