/**
 * The link survey: GET /s/:surveyId renders the form (optionally for one invitation, `?t=`, and
 * with a score preselected from an email, `?score=7`); POST /s/:surveyId records it.
 *
 * Email security scanners open every link in a message, so a GET never records anything: the
 * preselected score is sent by /survey.js once a real browser shows the page, or by the form POST
 * when the person submits. Both use the response id rendered into the page, so they update one
 * response, and opening the same invitation again keeps updating it.
 */
import { workspaceTz } from "../lib/timezone";
import { and, eq, type SQL } from "drizzle-orm";
import { Hono, type Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { responses, type surveys } from "../db/schema";
import type { AppEnv } from "../env";
import { EDIT_TOKEN, newEditToken } from "../lib/editToken";
import { ApiError, badRequest } from "../lib/errors";
import { isValidScore } from "../lib/scales";
import { pickLocale, type Locale } from "../locales";
import { rateLimit } from "../middleware/rateLimit";
import { controlsAsSpaces } from "../schemas/common";
import { commentText, MAX_COMMENT } from "../schemas/responses";
import { publicSurvey, surveyLocale } from "../services/publicSurvey";
import { openInvitation, recordResponse } from "../services/recordResponse";
import { messagePage, surveyPage, thanksPage, UI } from "../views/linkPage";
import { findSurvey } from "../services/surveys";

type Survey = typeof surveys.$inferSelect;
type Ctx = Context<AppEnv>;

const TOKEN = /^[0-9a-z]{16,64}$/;
const MAX_FORM_BYTES = 16 * 1024;

const FormSchema = z.object({
  id: z.uuid(),
  // Exactly what the page's radio buttons send: z.coerce.number() read "" and " " as 0 (a
  // detractor nobody gave, or a given score rewritten to 0 by a post with an emptied field) and
  // took "0x5" and "1e1" too.
  score: z
    .string()
    .regex(/^\d{1,2}$/)
    .transform(Number),
  comment: commentText.optional(),
  t: z.string().regex(TOKEN).optional(),
  k: z.string().regex(EDIT_TOKEN).optional(),
  lang: z.string().max(20).optional(),
  channel: z.enum(["link", "email"]).default("link"),
});

// The page embeds a per-visitor response id and edit token: never cache it anywhere. The CSP
// allows only our own script and form target, so an injected string could not run even if
// escaping ever failed. `same-origin` keeps invitation tokens in the URL away from other sites
// while letting the browser send our own Origin with the form (`no-referrer` made it "null").
function pageHeaders(c: Ctx) {
  c.header("Cache-Control", "no-store");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "same-origin");
  c.header(
    "Content-Security-Policy",
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  );
}

/**
 * The answer this browser is giving on this survey's link page, kept in a cookie for a day: the
 * Back button re-renders the page (it is never cached), and must show the same answer, not start
 * a second one. One browser = one anonymous link answer per survey per day (docs/WIDGET.md).
 */
const ANSWER_COOKIE = "bm_answer";
const ANSWER_TTL_S = 24 * 3600;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function answerCookie(c: Ctx): { id: string; key: string } | null {
  const [id, key] = (getCookie(c, ANSWER_COOKIE) ?? "").split(".");
  return id && key && UUID.test(id) && EDIT_TOKEN.test(key) ? { id, key } : null;
}

function keepAnswer(c: Ctx, surveyId: string, answer: { id: string; key: string }) {
  setCookie(c, ANSWER_COOKIE, `${answer.id}.${answer.key}`, {
    path: `/s/${encodeURIComponent(surveyId)}`,
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: ANSWER_TTL_S,
  });
}

/** Our own page posts here (Origin: ours, or "null"/absent from privacy settings); another site may not. */
function fromOurPage(c: Ctx): boolean {
  const origin = c.req.header("origin");
  return !origin || origin === "null" || origin.toLowerCase() === new URL(c.req.url).origin.toLowerCase();
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

/** The answer already given on this survey that `where` picks, to show it again. */
function answerOf(c: Ctx, survey: Survey, where: SQL | undefined) {
  return c.var.db
    .select({ id: responses.id, score: responses.score, comment: responses.comment })
    .from(responses)
    .where(and(eq(responses.surveyId, survey.id), where))
    .get();
}

/** The page for an invitation link that cannot be used: unknown (404) or its round closed (410). */
function linkProblem(c: Ctx, locale: Locale, e: unknown) {
  pageHeaders(c);
  if (e instanceof ApiError && e.code === "wave_closed") {
    return c.html(messagePage(locale, UI[locale].roundClosed!, UI[locale].roundClosedHelp!), 410);
  }
  if (e instanceof ApiError && e.code === "invalid_token") {
    return c.html(messagePage(locale, UI[locale].badLink!, UI[locale].badLinkHelp!), 404);
  }
  throw e;
}

export const linkPageRoute = new Hono<AppEnv>()
  .get("/:surveyId", rateLimit("read"), async (c) => {
    pageHeaders(c);
    const survey = await surveyOr404(c);
    if (survey instanceof Response) return survey;
    const q = c.req.query();
    const locale = surveyLocale(survey, browserLocales(c, q.lang));
    let token: string | undefined;
    let answer: { id: string; key: string };
    if (q.t !== undefined) {
      if (!TOKEN.test(q.t)) return linkProblem(c, locale, badRequest("invalid_token", "Malformed token", "t"));
      try {
        // A second visit of the invitation shows and updates its answer; the token is the proof.
        const inv = await openInvitation(c.var.db, survey, q.t, Date.now());
        const given = await answerOf(c, survey, and(eq(responses.contactId, inv.contactId), eq(responses.invitationId, inv.id)));
        answer = { id: given?.id ?? crypto.randomUUID(), key: newEditToken() };
      } catch (e) {
        return linkProblem(c, locale, e);
      }
      token = q.t;
    } else {
      // Back, reload or a second click on the link: the same answer, not a new one.
      answer = answerCookie(c) ?? { id: crypto.randomUUID(), key: newEditToken() };
      keepAnswer(c, survey.id, answer);
    }
    const previous = await answerOf(c, survey, eq(responses.id, answer.id));
    // A score from the link preselects; anything that is not a valid score is ignored, not fatal.
    const linked = q.score !== undefined && /^\d{1,2}$/.test(q.score) && isValidScore(survey.kind, Number(q.score)) ? Number(q.score) : undefined;
    return c.html(
      surveyPage({
        survey: publicSurvey(survey, locale),
        responseId: answer.id,
        editToken: answer.key,
        token,
        channel: q.score !== undefined || token ? "email" : "link",
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
    // The link page belongs to the survey's own origin: its allowed origins are the widget's
    // business. Another site's form, though, may not answer in someone's name.
    if (!fromOurPage(c)) return c.html(messagePage(locale, UI[locale].oops!, UI[locale].oopsHelp!), 403);
    const declared = Number(c.req.header("content-length") ?? "NaN");
    if (!(declared <= MAX_FORM_BYTES)) return c.html(messagePage(locale, UI[locale].oops!, UI[locale].oopsHelp!), 413);
    // Decoded by hand: the runtime warns when .text() reads a form-encoded body.
    const raw = new TextDecoder().decode((await c.req.arrayBuffer()).slice(0, MAX_FORM_BYTES));
    const form = Object.fromEntries(new URLSearchParams(raw));
    // A comment pasted with control characters (Word's line break is a vertical tab) is the
    // person's text all the same: refused, it re-rendered the form with no way to see why.
    if (typeof form.comment === "string") form.comment = controlsAsSpaces(form.comment, true);
    locale = surveyLocale(survey, browserLocales(c, form.lang));
    const pub = publicSurvey(survey, locale);
    const again = (f: { id: string; t?: string; k?: string; channel?: string; comment?: string }) =>
      surveyPage({
        survey: pub,
        responseId: f.id,
        editToken: f.k && EDIT_TOKEN.test(f.k) ? f.k : newEditToken(),
        token: f.t && TOKEN.test(f.t) ? f.t : undefined,
        channel: f.channel === "email" ? "email" : "link",
        comment: typeof f.comment === "string" ? f.comment.slice(0, MAX_COMMENT) : undefined,
        sendOnLoad: false,
        error: UI[locale].pick,
      });
    const parsed = FormSchema.safeParse(form);
    if (!parsed.success) {
      const id = z.uuid().safeParse(form.id);
      if (!id.success) return c.html(messagePage(locale, UI[locale].oops!, UI[locale].oopsHelp!), 400);
      return c.html(again({ ...form, id: id.data }), 400);
    }
    const f = parsed.data;
    try {
      await recordResponse(
        c.var.db,
        survey,
        { id: f.id, score: f.score, comment: f.comment, token: f.t, editToken: f.k, locale },
        { timeZone: workspaceTz(c.env), channel: f.channel, defer: (work) => c.executionCtx.waitUntil(work) },
      );
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      if (e.code === "invalid_token" || e.code === "wave_closed") return linkProblem(c, locale, e);
      if (e.code === "invalid_score") return c.html(again(f), 400);
      return c.html(messagePage(locale, UI[locale].oops!, UI[locale].oopsHelp!), e.status);
    }
    return c.html(thanksPage(pub));
  });
