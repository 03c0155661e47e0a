import { z } from "@hono/zod-openapi";
import { parseIsoDate } from "../metrics/buckets";

export const isoDate = z
  .string()
  .refine((s) => parseIsoDate(s) !== null, "must be a date as YYYY-MM-DD");

/** `https://app.example.com` (scheme, host and optional port; no path). */
export const origin = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i, "must be an origin like https://app.example.com");

export const locale = z
  .string()
  .regex(/^[a-z]{2}([-_][A-Za-z]{2,4})?$/, "must be a language tag like fr or en-GB");

export const hexColor = z.string().regex(/^#[0-9a-f]{6}$/i, "must be a colour like #4f46e5");
