/**
 * Request shapes of the Delighted-compatible /v1 surface. Values may arrive as JSON or as form
 * strings (the PHP client), so numbers and booleans are coerced; every field is bounded.
 * Unknown fields are ignored, as Delighted did: the Node client's `save()` sends the whole object
 * back (id, permalink, notes…).
 */
import { z } from "zod";
import { line, text } from "./common";

const int = (min: number, max: number) =>
  z.preprocess((v) => (typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : v), z.number().int().min(min).max(max));
const bool = z.preprocess((v) => (v === "false" || v === "0" ? false : v === "true" || v === "1" ? true : v), z.boolean());
/** Unix seconds from 2000 to 2100. */
const seconds = int(946_684_800, 4_102_444_800);

/**
 * Free properties: up to 50 short scalar entries, stored as strings. Keys and values follow the
 * API's text rule (schemas/common.ts: no control characters, no lone surrogates), as every other
 * stored text does; values may hold line breaks.
 */
export const properties = z
  .record(line(100, { trim: false }), z.union([text(1000), z.number(), z.boolean(), z.null()]))
  .refine((o) => Object.keys(o).length <= 50, "at most 50 properties")
  .transform((o) =>
    Object.fromEntries(
      Object.entries(o)
        .filter(([, v]) => v !== null)
        .map(([k, v]) => [k, String(v)]),
    ),
  );

const email = z.string().trim().max(320).pipe(z.email("is not an email address"));
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ().-]{4,30}$/, "is not a phone number");

export const CreatePersonSchema = z
  .object({
    email: email.optional(),
    phone_number: phone.optional(),
    name: line(200, { min: 0 }).optional(),
    channel: z.enum(["email", "sms"]).optional(),
    /** Seconds to wait before the survey goes out (up to a year). */
    delay: int(0, 366 * 86400).optional(),
    send: bool.optional(),
    properties: properties.optional(),
    last_sent_at: seconds.optional(),
    email_update: email.optional(),
    phone_number_update: phone.optional(),
  })
  .refine((p) => p.email !== undefined || p.phone_number !== undefined, { message: "can't be blank", path: ["email"] });

const perPage = int(1, 100).default(20);

export const ListPeopleSchema = z.object({
  per_page: perPage,
  since: seconds.optional(),
  until: seconds.optional(),
  cursor: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
  phone_number: z.string().max(40).optional(),
});

/** Response ids are stored as-is; bounded so a path never carries a novel. */
export const responseId = z.string().min(1).max(64);

export const CreateResponseSchema = z.object({
  person: z.union([z.string().min(1).max(64), z.number().int()]).transform(String),
  score: int(-1_000, 1_000),
  comment: text(5000).nullable().optional(),
  person_properties: properties.optional(),
  created_at: seconds.optional(),
});

export const UpdateResponseSchema = z.object({
  id: z.union([responseId, z.number().int()]).transform(String).optional(),
  score: int(-1_000, 1_000).optional(),
  comment: text(5000).nullable().optional(),
  person_properties: properties.nullable().optional(),
});

const order = z.enum(["asc", "desc", "asc:updated_at", "desc:updated_at"]).default("asc");
const expand = z
  .union([z.string(), z.array(z.string()).max(5)])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")))
  .pipe(z.array(z.enum(["person", "notes"])))
  .optional();

export const ListResponsesSchema = z.object({
  per_page: perPage,
  page: int(1, 1_000_000).default(1),
  since: seconds.optional(),
  until: seconds.optional(),
  updated_since: seconds.optional(),
  updated_until: seconds.optional(),
  person_id: z.string().max(64).optional(),
  person_email: z.string().max(320).optional(),
  order,
  expand,
  trend: z.string().max(64).optional(),
});

export const MetricsQuerySchema = z.object({
  since: seconds.optional(),
  until: seconds.optional(),
  trend: z.string().max(64).optional(),
});

export const PagedQuerySchema = z.object({
  per_page: perPage,
  page: int(1, 1_000_000).default(1),
  since: seconds.optional(),
  until: seconds.optional(),
});

export const UnsubscribeSchema = z.object({ person_email: email });
