/** API key shapes. */
import { z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";
import { line } from "./common";

export const CreateApiKeySchema = z
  .object({
    name: line(100),
    role: z.enum(ROLES),
    /** Required for a manager key (it sees that manager's accounts); optional otherwise. */
    userId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
  })
  .strict();
