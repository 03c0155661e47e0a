/**
 * Filters shared by the comments list and the CSV export, and the follow-up shapes.
 * Dates are local days in the workspace time zone; the range is [from, to).
 */
import { z } from "@hono/zod-openapi";
import { CHANNELS, FOLLOWUP_STATUSES } from "../db/schema";
import { CATEGORIES } from "../metrics/category";
import { csvBom, isoDate, line, locale, text } from "./common";

const id = line(64);
const value = line(200);

export const ResponseFilterSchema = z
  .object({
    surveyId: id.optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    category: z.enum(CATEGORIES).optional(),
    segment: value.optional(),
    /** A manager's user id. Managers may only pass their own. */
    manager: id.optional(),
    account: id.optional(),
    channel: z.enum(CHANNELS).optional(),
    locale: locale.optional(),
    /** Follow-up status (every detractor answer has an item; others only once someone wrote a note). */
    status: z.enum(FOLLOWUP_STATUSES).optional(),
    /** 1: only items past their due day and not resolved; 0: everything else. */
    overdue: z.enum(["0", "1"]).optional(),
    /** Follow-up owner: a user id, `me` (the caller) or `none` (nobody yet). */
    owner: id.optional(),
    /** Words to find in the comment (plain text, not a pattern). */
    q: line(200).optional(),
  })
  .strict();

export type ResponseFilter = z.infer<typeof ResponseFilterSchema>;

const checkRange = (f: { from?: string; to?: string }) => !f.from || !f.to || f.from < f.to;
const rangeIssue = { message: "from must be before to", path: ["from"] };

export const CommentsQuerySchema = ResponseFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque cursor from the previous page's `next`. */
  before: z.string().max(100).regex(/^\d{1,15}_[A-Za-z0-9_-]{1,64}$/, "malformed cursor").optional(),
})
  .strict()
  .refine(checkRange, rangeIssue);

export const ExportQuerySchema = ResponseFilterSchema.extend({
  bom: csvBom,
  /** 1: only the comments & follow-up queue (answers with a comment, and follow-up items). */
  queue: z.enum(["0", "1"]).optional(),
})
  .strict()
  .refine(checkRange, rangeIssue);

export const PatchFollowupSchema = z
  .object({
    status: z.enum(FOLLOWUP_STATUSES).optional(),
    /** A user (admin or manager) who owns the follow-up; null: nobody. */
    ownerUserId: id.nullable().optional(),
  })
  .strict()
  .refine((b) => b.status !== undefined || b.ownerUserId !== undefined, "nothing to change");

export const FollowupNoteSchema = z.object({ body: text(5000, { min: 1, trim: true }) }).strict();

/** A reply to the respondent: the subject is one line (no CR/LF: no header injection). */
export const FollowupReplySchema = z.object({ subject: line(200).optional(), body: text(10_000, { min: 1, trim: true }) }).strict();
