/**
 * Filters shared by the comments list and the CSV export, and the follow-up shapes.
 * Dates are local days in the workspace time zone; the range is [from, to).
 */
import { z } from "@hono/zod-openapi";
import { CHANNELS, FOLLOWUP_STATUSES } from "../db/schema";
import { CATEGORIES } from "../metrics/category";
import { csvBom, cursor, isoDate, line, locale, text } from "./common";

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

/** The comments list's orders (the admin page offers exactly these as sortable columns). */
export const COMMENT_SORTS = ["-createdAt", "createdAt"] as const;

const checkRange = (f: { from?: string; to?: string }) => !f.from || !f.to || f.from < f.to;
const rangeIssue = { message: "from must be before to", path: ["from"] };

export const CommentsQuerySchema = ResponseFilterSchema.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** Opaque cursor from the previous page's `next` (a cursor belongs to one `sort`). */
  before: cursor,
  /**
   * `-createdAt` (default): newest first; `createdAt`: oldest first. The only orders offered: the
   * list pages with a keyset cursor on an index, and no other key can be sorted without reading
   * every matching answer first.
   */
  sort: z
    .enum(COMMENT_SORTS)
    .default("-createdAt")
    .openapi({ description: "`-createdAt` newest first (default), `createdAt` oldest first; a cursor from one order is refused by the other" }),
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
// ---------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------

export const NoteSchema = z
  .object({
    id: z.string(),
    body: z.string(),
    kind: z.enum(["note", "reply"]).openapi({ description: "`reply`: sent to the respondent" }),
    delivery: z.string().nullable(),
    authorUserId: z.string().nullable(),
    authorName: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("FollowupNote");

const owner = z.object({ id: z.string(), name: z.string() }).nullable();

/** A response's follow-up (services/followups.ts followupView); `status` null: no item, not a detractor. */
export const FollowupSchema = z
  .object({
    responseId: z.string(),
    status: z.enum(FOLLOWUP_STATUSES).nullable(),
    ownerUserId: z.string().nullable(),
    owner,
    dueOn: z.string().nullable(),
    overdue: z.boolean(),
    resolvedAt: z.string().nullable(),
    notes: z.array(NoteSchema).openapi({ description: "Oldest first" }),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi("Followup");

export const NewNoteSchema = z.object({
  id: z.string(),
  responseId: z.string(),
  authorUserId: z.string().nullable(),
  body: z.string(),
  kind: z.literal("note"),
  createdAt: z.string(),
});

/** A reply to the respondent as kept (services/followupReply.ts). */
export const ReplySchema = z
  .object({
    id: z.string(),
    responseId: z.string(),
    kind: z.literal("reply"),
    delivery: z.enum(["email", "email_failed", "mailto"]).openapi({ description: "`email_failed`: the email API refused it; use `mailto`" }),
    subject: z.string(),
    body: z.string(),
    to: z.string().openapi({ description: "The respondent's e-mail" }),
    mailto: z.string().nullable().openapi({ description: "A prepared `mailto:` link, unless sent by e-mail" }),
    error: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi("FollowupReply");

export const FollowupSummarySchema = z.object({
  asOf: z.string().openapi({ description: "Today in the workspace zone" }),
  open: z.number().int(),
  overdue: z.number().int(),
  mine: z.number().int(),
  mineOverdue: z.number().int(),
  unassigned: z.number().int(),
});

/** One line of the comments & follow-up queue. */
export const CommentSchema = z
  .object({
    responseId: z.string(),
    surveyId: z.string(),
    score: z.number().int(),
    category: z.enum(CATEGORIES).nullable(),
    comment: z.string().nullable(),
    locale: z.string(),
    channel: z.enum(CHANNELS),
    createdAt: z.string(),
    contact: z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable() }).nullable(),
    account: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
    followup: z
      .object({
        status: z.enum(FOLLOWUP_STATUSES),
        ownerUserId: z.string().nullable(),
        owner,
        dueOn: z.string().nullable(),
        overdue: z.boolean(),
        notes: z.array(NoteSchema),
      })
      .nullable(),
  })
  .openapi("Comment");

export const CommentListSchema = z.object({
  data: z.array(CommentSchema),
  next: z.string().nullable().openapi({ description: "Pass as `before` for the next page; null on the last" }),
});
