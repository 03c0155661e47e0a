/**
 * The link survey: GET /s/:surveyId renders the form (optionally for one invitation, `?t=`, and
 * with a score preselected from an email, `?score=7`); POST /s/:surveyId records it.
 *
 * Email security scanners open every link in a message, so a GET never records anything: the
 * preselected score is sent by /survey.js once a real browser shows the page, or by the form POST
 * when the person submits. Both use the response id rendered into the page, so they update one
 * response, and opening the same invitation again keeps updating it.
 */
import { and, eq } from "drizzle-orm";
import { Hono, type Context } from "hono";
import { z } from "zod";
import { invitations, responses, type surveys } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError } from "../lib/errors";
import { isValidScore } from "../lib/scales";
import { pickLocale, type Locale } from "../locales";
import { rateLimit } from "../middleware/rateLimit";
import { isOriginAllowed } from "../middleware/surveyOrigin";
import { commentText, MAX_COMMENT } from "../schemas/responses";
import { publicSurvey, surveyLocale } from "../services/publicSurvey";
import { recordResponse } from "../services/recordResponse";
import { messagePage, surveyPage, thanksPage, UI } from "../views/linkPage";
import { findSurvey } from "./surveys";

type Survey = typeof surveys.$inferSelect;
type Ctx = Context<AppEnv>;

const TOKEN = /^[0-9a-z]{16,64}$/;
const MAX_FORM_BYTES = 16 * 1024;

const FormSchema = z.object({
  id: z.uuid(),
  score: z.coerce.number().int(),
  comment: commentText.optional(),
  t: z.string().regex(TOKEN).optional(),
  lang: z.string().max(20).optional(),
  channel: z.enum(["link", "email"]).default("link"),
});

// The page embeds a per-render response id: never cache it anywhere. The CSP allows only our own
// script and form target, so an injected string could not run even if escaping ever failed.
function pageHeaders(c: Ctx) {
  c.header("Cache-Control", "no-store");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  c.header(
    "Content-Security-Policy",
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  );
}

function browserLocales(c: Ctx, first?: string | null): (string | undefined | null)[] {
  const accept = (c.req.header("accept-language") ?? "").split(",").slice(0, 6);
  return [first, ...accept.map((a) => a.split(";")[0]?.trim())];
}

async function surveyOr404(c: Ctx): Promise<Survey | Response> {
  const locale = pickLocale(browserLocales(c));
  try {
    const survey = await findSurvey(c.var.db, c.req.param("surveyId")!);
    if (survey.status !== "archived") return survey;
    return c.html(messagePage(locale, UI[locale].gone!, UI[locale].goneHelp!), 410);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) {
      return c.html(messagePage(locale, UI[locale].badLink!, UI[locale].badLinkHelp!), 404);
    }
    throw e;
  }
}

/** The invitation behind `?t=`, and the response it already has (so a second visit updates it). */
async function invitationOf(c: Ctx, survey: Survey, token: string) {
  const inv = await c.var.db
    .select({ id: invitations.id, contactId: invitations.contactId, surveyId: invitations.surveyId })
    .from(invitations)
    .where(eq(invitations.token, token))
    .get();
  if (!inv || inv.surveyId !== survey.id) return null;
  const previous = await c.var.db
    .select({ id: responses.id, score: responses.score, comment: responses.comment })
    .from(responses)
    .where(and(eq(responses.contactId, inv.contactId), eq(responses.invitationId, inv.id)))
    .get();
  return { ...inv, previous };
}

function badLink(c: Ctx, locale: Locale) {
  pageHeaders(c);
  return c.html(messagePage(locale, UI[locale].badLink!, UI[locale].badLinkHelp!), 404);
}

export const linkPageRoute = new Hono<AppEnv>()
  .get("/:surveyId", rateLimit("read"), async (c) => {
    pageHeaders(c);
    const survey = await surveyOr404(c);
    if (survey instanceof Response) return survey;
    const q = c.req.query();
    const locale = surveyLocale(survey, browserLocales(c, q.lang));
    let token: string | undefined;
    let previous: { id: string; score: number; comment: string | null } | undefined;
    if (q.t !== undefined) {
      const inv = TOKEN.test(q.t) ? await invitationOf(c, survey, q.t) : null;
      if (!inv) return badLink(c, locale);
      token = q.t;
      previous = inv.previous;
    }
    // A score from the link preselects; anything that is not a valid score is ignored, not fatal.
    const linked = q.score !== undefined && /^\d{1,2}$/.test(q.score) && isValidScore(survey.kind, Number(q.score))
      ? Number(q.score)
      : undefined;
    return c.html(
      surveyPage({
        survey: publicSurvey(survey, locale),
        responseId: previous?.id ?? crypto.randomUUID(),
        token,
        channel: q.score !== undefined ? "email" : "link",
        score: linked ?? previous?.score,
        comment: previous?.comment ?? undefined,
        sendOnLoad: linked !== undefined,
      }),
    );
  })
  .post("/:surveyId", rateLimit("write"), async (c) => {
    pageHeaders(c);
    const survey = await surveyOr404(c);
    if (survey instanceof Response) return survey;
    let locale = surveyLocale(survey, browserLocales(c));
    // Our own page posts here; another site's form may not answer in someone's name.
    if (!isOriginAllowed(survey, c.req.header("origin"), new URL(c.req.url).origin)) {
      return c.html(messagePage(locale, UI[locale].oops!, UI[locale].oopsHelp!), 403);
    }
    const declared = Number(c.req.header("content-length") ?? "NaN");
    if (!(declared <= MAX_FORM_BYTES)) return c.html(messagePage(locale, UI[locale].oops!, UI[locale].oopsHelp!), 413);
    // Decoded by hand: the runtime warns when .text() reads a form-encoded body.
    const raw = new TextDecoder().decode((await c.req.arrayBuffer()).slice(0, MAX_FORM_BYTES));
    const form = Object.fromEntries(new URLSearchParams(raw));
    locale = surveyLocale(survey, browserLocales(c, form.lang));
    const pub = publicSurvey(survey, locale);
    const parsed = FormSchema.safeParse(form);
    if (!parsed.success) {
      const id = z.uuid().safeParse(form.id);
      const token = form.t && TOKEN.test(form.t) ? form.t : undefined;
      const comment = typeof form.comment === "string" ? form.comment.slice(0, MAX_COMMENT) : undefined;
      if (!id.success) return c.html(messagePage(locale, UI[locale].oops!, UI[locale].oopsHelp!), 400);
      const channel = form.channel === "email" ? "email" : "link";
      return c.html(surveyPage({ survey: pub, responseId: id.data, token, channel, comment, sendOnLoad: false, error: UI[locale].pick }), 400);
    }
    const f = parsed.data;
    try {
      await recordResponse(
        c.var.db,
        survey,
        { id: f.id, score: f.score, comment: f.comment, token: f.t, locale, channel: f.channel },
        { timeZone: c.env.TIMEZONE || "UTC", defaultChannel: "link" },
      );
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === "invalid_token") return badLink(c, locale);
      if (e.code === "invalid_score") {
        return c.html(surveyPage({ survey: pub, responseId: f.id, token: f.t, channel: f.channel, comment: f.comment, sendOnLoad: false, error: UI[locale].pick }), 400);
      }
      return c.html(messagePage(locale, UI[locale].oops!, UI[locale].oopsHelp!), e.status);
    }
    return c.html(thanksPage(pub));
  });
