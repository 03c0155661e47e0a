/** Response submission shapes. Bounds keep garbage out of D1 (every field is capped). */
import { z } from "@hono/zod-openapi";
import { CHANNELS } from "../db/schema";
import { EDIT_TOKEN } from "../lib/editToken";
import { cursor, line, locale, text } from "./common";

export const MAX_COMMENT = 5000;
/** A respondent's comment, as typed (line breaks kept); the link page's form uses it too. */
export const commentText = text(MAX_COMMENT);

const editToken = z.string().regex(EDIT_TOKEN, "must be 22 to 64 characters of A-Z, a-z, 0-9, - and _");

const shortMap = (maxValue: number) =>
  z.record(line(40, { trim: false }), text(maxValue)).refine((o) => Object.keys(o).length <= 20, "at most 20 entries");

/** Who answered, in the caller's own terms: `id` is *your* id for the person (external id). */
export const ContactRefSchema = z
  .object({
    id: line(200).optional(),
    email: z.email().max(320).optional(),
    name: line(200, { min: 0 }).optional(),
    /** Your id for the person's company (an account's external id); links a new contact to it. */
    account: line(200).optional(),
  })
  .strict()
  .refine((c) => c.id !== undefined || c.email !== undefined, "needs id or email");

export const SubmitResponseSchema = z
  .object({
    id: z.uuid(),
    score: z.number().int(),
    comment: commentText.optional(),
    answers: shortMap(2000).optional(),
    locale: locale.optional(),
    /**
     * Ignored: the channel follows from the endpoint that took the answer (a caller could claim
     * "email" otherwise). Still accepted so that widgets already in visitors' caches keep working.
     */
    channel: z.enum(CHANNELS).exclude(["import"]).optional(),
    contact: ContactRefSchema.optional(),
    /** HMAC-SHA256 of `contact.id` (or of the email when there is no id) with the survey's secret. */
    signature: z
      .string()
      .regex(/^[0-9a-f]{64}$/i, "must be 64 hex characters")
      .optional(),
    /** Personal invitation token from a link or an email. */
    token: z
      .string()
      .regex(/^[0-9a-z]{16,64}$/, "malformed token")
      .optional(),
    properties: shortMap(500).optional(),
    /** The answer's edit token: minted by the client with the id, or returned at creation. */
    editToken: editToken.optional(),
  })
  .strict();

export const PatchResponseSchema = z
  .object({
    score: z.number().int().optional(),
    comment: commentText.optional(),
    answers: shortMap(2000).optional(),
    /** Required for any change: only the respondent who created the answer may complete it. */
    editToken: editToken.optional(),
  })
  .strict();

export type SubmitResponse = z.infer<typeof SubmitResponseSchema>;

/** An answer as the API returns it. */
export const ResponseSchema = z
  .object({
    id: z.string(),
    surveyId: z.string(),
    contactId: z.string().nullable(),
    accountId: z.string().nullable(),
    waveId: z.string().nullable(),
    score: z.number().int(),
    comment: z.string().nullable(),
    answers: z.record(z.string(), z.string()).nullable(),
    locale: z.string(),
    channel: z.enum(CHANNELS),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("Response");

export const ResponseListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Opaque cursor from the previous page's `next`. */
  before: cursor,
});
