/** Shapes of the public widget endpoints (settings, dismissals). Every field is bounded. */
import { z } from "@hono/zod-openapi";
import { SURVEY_KINDS } from "../db/schema";
import { line } from "./common";
import { ContactRefSchema } from "./responses";
import { SurveySchema, SurveyTextsSchema } from "./surveys";

const signature = z.string().regex(/^[0-9a-f]{64}$/i, "must be 64 hex characters");

export const WidgetQuery = z
  .object({
    /** Locale candidates, best first: the page's `lang`, then the browser's (`fr-CA,en`). */
    l: line(200, { min: 0, trim: false }).optional(),
    /** The contact's id in the client's own terms (as in `identify({ id })`). */
    uid: line(200).optional(),
    email: z.email().max(320).optional(),
    /**
     * The person's account as the answers carry it (`identify({ account })`): only so that a
     * signature over the full claim (id, email and account) can be checked here too.
     */
    account: line(200).optional(),
    sig: signature.optional(),
  })
  .strict();

export const DismissalSchema = z
  .object({
    /** Client-generated, so a retried dismissal is recorded once. */
    id: z.uuid(),
    contact: ContactRefSchema.optional(),
    signature: signature.optional(),
  })
  .strict();

/** What a respondent's browser may know about a survey (services/publicSurvey.ts). */
export const PublicSurveySchema = z.object({
  id: z.string(),
  kind: z.enum(SURVEY_KINDS),
  locale: z.string(),
  scale: z.tuple([z.number().int(), z.number().int()]).readonly().openapi({ description: "Lowest and highest score" }),
  cuts: z.tuple([z.number().int(), z.number().int()]).readonly().openapi({ description: "Highest detractor and highest passive score" }),
  theme: SurveySchema.shape.theme,
  texts: SurveyTextsSchema.required(),
});

export const WidgetSettingsSchema = PublicSurveySchema.extend({
  show: z.boolean(),
  reason: z.enum(["inactive", "answered", "dismissed", "sampled_out"]).nullable(),
  sampling: z.number().int().openapi({ description: "Percent of anonymous visitors to ask (100 for identified ones)" }),
  resurveyDays: z.number().int(),
  dismissDays: z.number().int(),
  requireSignature: z.boolean(),
}).openapi("WidgetSettings");

export const DismissalResultSchema = z.object({
  id: z.string(),
  surveyId: z.string(),
  contactId: z.string().nullable(),
  recorded: z.boolean().openapi({ description: "False when this id was already recorded" }),
});
