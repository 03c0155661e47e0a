/** API key shapes. */
import { z } from "@hono/zod-openapi";
import { API_SCOPES, ROLES } from "../db/schema";
import { line } from "./common";

export const CreateApiKeySchema = z
  .object({
    name: line(100),
    role: z.enum(ROLES),
    /** Required for a manager key (it sees that manager's accounts); optional otherwise. */
    userId: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .optional(),
    /** On top of the role: `["read"]` makes a read-only key. Default: read and write. */
    scopes: z.array(z.enum(API_SCOPES)).min(1).max(API_SCOPES.length).default(["read", "write"]),
  })
  .strict();

/** An API key's record (never the key itself, except once at creation). */
export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string().openapi({ description: "The key's first characters, to tell keys apart" }),
    role: z.enum(ROLES),
    scopes: z.array(z.enum(API_SCOPES)).openapi({ description: "On top of the role: `read` only, or `read` and `write`" }),
    userId: z.string().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable().openapi({ description: "Updated at most hourly" }),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiKey");

export const NewApiKeySchema = ApiKeySchema.extend({ key: z.string().openapi({ description: "Shown this once" }) });
