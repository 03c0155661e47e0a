import { z } from "@hono/zod-openapi";
import { CURSOR_PATTERN } from "../lib/cursor";
import { parseIsoDate } from "../metrics/buckets";

// ---------------------------------------------------------------------------------------------
// Text: one rule for every text field the API stores or searches (and the CSV import, which
// calls textProblem itself). Refused, with a 400 naming the field:
// - control characters (U+0000–U+001F, U+007F–U+009F): a comment of NUL bytes or an external id
//   of one NUL is garbage that breaks exports and lookups. Tab is allowed everywhere; line feed
//   and carriage return only in multi-line text (`text`), not in names, ids and labels (`line`);
// - lone UTF-16 surrogates (`"\ud800"` in JSON): D1 would silently store U+FFFD instead.
// ---------------------------------------------------------------------------------------------

const CONTROL_IN_LINE = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/;
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * `s` with the control characters the rule refuses turned into spaces: for text a person typed or
 * pasted into our own pages, who cannot see them to fix them (the link page's comment).
 */
export const controlsAsSpaces = (s: string, multiline: boolean) => s.replace(new RegExp(multiline ? CONTROL_IN_TEXT : CONTROL_IN_LINE, "g"), " ");

/** Why `s` may not be stored (null: it may). */
export function textProblem(s: string, multiline: boolean): string | null {
  if (LONE_SURROGATE.test(s)) return "must not contain a lone surrogate (broken UTF-16)";
  if (multiline) return CONTROL_IN_TEXT.test(s) ? "must not contain control characters (tab and line breaks are fine)" : null;
  return CONTROL_IN_LINE.test(s) ? "must not contain line breaks or control characters (tab is fine)" : null;
}

const clean = (multiline: boolean) => (v: string, ctx: z.RefinementCtx) => {
  const problem = textProblem(v, multiline);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
};

/** One-line text (a name, an id, a label): trimmed unless `trim: false`, `min`–`max` characters. */
export const line = (max: number, { min = 1, trim = true }: { min?: number; trim?: boolean } = {}) =>
  (trim ? z.string().trim() : z.string()).min(min).max(max).superRefine(clean(false));

/** Multi-line text (a comment, a note, a survey question): as typed unless `trim: true`. */
export const text = (max: number, { min = 0, trim = false }: { min?: number; trim?: boolean } = {}) =>
  (trim ? z.string().trim() : z.string()).min(min).max(max).superRefine(clean(true));

// ---------------------------------------------------------------------------------------------
// Dates people type (`YYYY-MM-DD`): a real calendar day from 1970-01-01 to 10 years from today
// (an account started on 9999-12-31 is a typo, and breaks every period computed from it).
// Goal deadlines may be further ahead (see isoDateUpTo).
// ---------------------------------------------------------------------------------------------

export const MIN_DATE = "1970-01-01";

/** The latest date accepted: today (UTC) plus `years`. */
export const maxDate = (years: number, now = Date.now()) => {
  const d = new Date(now);
  d.setUTCFullYear(d.getUTCFullYear() + years);
  return d.toISOString().slice(0, 10);
};

/** Why `s` is not an acceptable date (null: it is). */
export function dateProblem(s: string, yearsAhead = 10): string | null {
  if (parseIsoDate(s) === null) return "must be a date as YYYY-MM-DD";
  const max = maxDate(yearsAhead);
  return s < MIN_DATE || s > max ? `must be between ${MIN_DATE} and ${max}` : null;
}

/** A date from 1970-01-01 to `yearsAhead` years from today. */
export const isoDateUpTo = (yearsAhead: number) =>
  z.string().superRefine((s, ctx) => {
    const problem = dateProblem(s, yearsAhead);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const isoDate = isoDateUpTo(10);

/** `https://app.example.com` (scheme, host and optional port; no path). */
export const origin = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, "must be an origin like https://app.example.com");

export const locale = z.string().regex(/^[a-z]{2}([-_][A-Za-z]{2,4})?$/, "must be a language tag like fr or en-GB");

export const hexColor = z.string().regex(/^#[0-9a-f]{6}$/i, "must be a colour like #4f46e5");

/** `bom=1` on a CSV export: start with a UTF-8 byte-order mark, so Excel reads accents right. */
export const csvBom = z.enum(["0", "1"]).optional();

/** `before`: the previous page's `next` (lib/cursor.ts), opaque to clients. */
export const cursor = z
  .string()
  .regex(CURSOR_PATTERN, "not a cursor from this list")
  .optional()
  .openapi({ description: "The previous page's `next`" });
