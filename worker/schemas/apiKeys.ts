/** API key shapes. */
import { z } from "@hono/zod-openapi";
import { API_SCOPES, ROLES } from "../db/schema";
import { line } from "./common";

export const CreateApiKeySchema = z
  .object({
    name: line(100),
    role: z.enum(ROLES),
    /** Required for a manager key (it sees that manager's accounts); optional otherwise. */
    userId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    /** On top of the role: `["read"]` makes a read-only key. Default: read and write. */
    scopes: z.array(z.enum(API_SCOPES)).min(1).max(API_SCOPES.length).default(["read", "write"]),
  })
  .strict();
