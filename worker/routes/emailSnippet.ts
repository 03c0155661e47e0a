/**
 * GET /api/v1/surveys/:surveyId/email-snippet?locale=fr&tokenTag={{token}} (admins): the HTML to
 * paste into a mailing tool. `tokenTag` is the tool's merge tag for each person's invitation token
 * (`*|TOKEN|*`, `{{token}}`…); without it the links answer anonymously.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { error, errors, json, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { requireAuth } from "../middleware/auth";
import { locale } from "../schemas/common";
import { publicSurvey, surveyLocale } from "../services/publicSurvey";
import { findSurvey } from "../services/surveys";
import { emailSnippet, scoreLink } from "../views/emailSnippet";

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

const SnippetSchema = z
  .object({
    surveyId: z.string(),
    locale: z.string(),
    html: z.string().openapi({ description: "Table-based HTML with inline styles, one link per score" }),
    links: z.array(z.object({ score: z.number().int(), url: z.string() })),
  })
  .openapi("EmailSnippet");

const snippet = createRoute({
  method: "get",
  path: "/{surveyId}/email-snippet",
  summary: "The survey's first question as e-mail HTML, one link per score (admins)",
  tags: ["surveys"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: { params: params("surveyId"), query: SnippetQuery },
  responses: { 200: json(SnippetSchema, "HTML and the links in it"), ...errors(400, 401, 404), 403: error("Admins only") },
});

export const emailSnippetRoute = router().openapi(snippet, async (c) => {
  const q = c.req.valid("query");
  const survey = await findSurvey(c.var.db, c.req.valid("param").surveyId);
  const pub = publicSurvey(survey, surveyLocale(survey, [q.locale]));
  const base = new URL(c.req.url).origin;
  const [lo, hi] = pub.scale;
  const links = [];
  for (let n = lo; n <= hi; n++) links.push({ score: n, url: scoreLink(base, survey.id, n, q.tokenTag) });
  return c.json({ surveyId: survey.id, locale: pub.locale, html: await emailSnippet(base, pub, q.tokenTag), links }, 200);
});
