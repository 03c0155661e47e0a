/**
 * GET /api/v1/surveys/:surveyId/email-snippet?locale=fr&tokenTag={{token}} (admins): the HTML to
 * paste into a mailing tool. `tokenTag` is the tool's merge tag for each person's invitation token
 * (`*|TOKEN|*`, `{{token}}`…); without it the links answer anonymously.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env";
import { parseQuery } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { locale } from "../schemas/common";
import { publicSurvey, surveyLocale } from "../services/publicSurvey";
import { emailSnippet, scoreLink } from "../views/emailSnippet";
import { findSurvey } from "../services/surveys";

const SnippetQuery = z
  .object({
    locale: locale.optional(),
    tokenTag: z
      .string()
      .max(60)
      .regex(/^[A-Za-z0-9_{}|*%$.:[\]-]+$/, "must be a merge tag such as {{token}} or *|TOKEN|*")
      .optional(),
  })
  .strict();

export const emailSnippetRoute = new Hono<AppEnv>().get(
  "/:surveyId/email-snippet",
  requireAuth("admin"),
  async (c) => {
    const survey = await findSurvey(c.var.db, c.req.param("surveyId"));
    const q = parseQuery(c, SnippetQuery);
    const pub = publicSurvey(survey, surveyLocale(survey, [q.locale]));
    const base = new URL(c.req.url).origin;
    const [lo, hi] = pub.scale;
    const links = [];
    for (let n = lo; n <= hi; n++) links.push({ score: n, url: scoreLink(base, survey.id, n, q.tokenTag) });
    return c.json({ surveyId: survey.id, locale: pub.locale, html: await emailSnippet(base, pub, q.tokenTag), links });
  },
);
