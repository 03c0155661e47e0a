/** Survey API shapes: the single source for validation and the OpenAPI document. */
import { z } from "@hono/zod-openapi";
import { SURVEY_KINDS, SURVEY_STATUSES } from "../db/schema";
import { WIDGET_POSITIONS } from "../domain/vocabulary";
import { hexColor, line, locale, origin, text } from "./common";

/** Wording shown to respondents: may span lines; buttons, labels and names are one line. */
const wording = (max = 500) => text(max, { min: 1, trim: true });

export const SurveyTextsSchema = z
  .object({
    question: wording(),
    lowLabel: line(80),
    highLabel: line(80),
    followUp: z.object({ detractor: wording(), passive: wording(), promoter: wording() }).partial().strict(),
    commentPlaceholder: wording(200),
    submit: line(60),
    thankYou: wording(),
    close: line(60),
  })
  .partial()
  .strict();

export const ExtraQuestionSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9_-]{1,40}$/i, "must be 1–40 letters, digits, _ or -"),
    type: z.enum(["text", "choice"]),
    required: z.boolean().optional(),
    choices: z.array(line(120)).max(20).optional(),
    label: z.record(locale, wording()),
  })
  .strict();

export const SurveySettingsSchema = z
  .object({
    name: line(200),
    status: z.enum(SURVEY_STATUSES),
    defaultLocale: locale,
    texts: z.record(locale, SurveyTextsSchema),
    extraQuestions: z.array(ExtraQuestionSchema).max(10),
    resurveyDays: z.number().int().min(0).max(3650),
    dismissDays: z.number().int().min(0).max(3650),
    samplingPercent: z.number().int().min(0).max(100),
    allowedOrigins: z.array(origin).max(50),
    theme: z.object({ color: hexColor, position: z.enum(WIDGET_POSITIONS) }).strict(),
    cadence: z
      .object({
        enabled: z.boolean(),
        months: z.array(z.number().int().min(1).max(12)).min(1).max(12),
        day: z.number().int().min(1).max(28),
        windowDays: z.number().int().min(1).max(120),
      })
      .strict(),
    requireSignature: z.boolean(),
  })
  .partial()
  .strict();

export const CreateSurveySchema = SurveySettingsSchema.extend({
  name: line(200),
  kind: z.enum(SURVEY_KINDS),
}).strict();

export const PatchSurveySchema = SurveySettingsSchema;

/** A survey as the API returns it; `signingSecret` for admins only. */
export const SurveySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(SURVEY_KINDS),
    status: z.enum(SURVEY_STATUSES),
    defaultLocale: z.string(),
    texts: z.record(z.string(), SurveyTextsSchema),
    extraQuestions: z.array(ExtraQuestionSchema),
    resurveyDays: z.number().int(),
    dismissDays: z.number().int(),
    samplingPercent: z.number().int(),
    allowedOrigins: z.array(z.string()),
    theme: SurveySettingsSchema.shape.theme.unwrap(),
    cadence: SurveySettingsSchema.shape.cadence.unwrap(),
    requireSignature: z.boolean(),
    signingSecret: z.string().optional(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    archivedAt: z.iso.datetime().nullable(),
  })
  .openapi("Survey");

export const SurveyListQuery = z.object({ include: z.enum(["archived"]).optional() });
