/** One account in full: the account, its contacts, its answers and its MRR history. */
import { z } from "@hono/zod-openapi";
import { CHANNELS } from "../db/schema";
import { AccountSchema } from "./accounts";
import { ContactSchema } from "./contacts";

export const AccountDetailSchema = AccountSchema.extend({
  contacts: z.array(ContactSchema).openapi({ description: "By name, at most 1,000" }),
  responses: z
    .array(
      z.object({
        id: z.string(),
        surveyId: z.string(),
        contactId: z.string().nullable(),
        waveId: z.string().nullable(),
        score: z.number().int(),
        comment: z.string().nullable(),
        channel: z.enum(CHANNELS),
        locale: z.string(),
        createdAt: z.string(),
      }),
    )
    .openapi({ description: "Newest first, at most 500" }),
  mrrHistory: z.array(z.object({ effectiveOn: z.string(), mrrCents: z.number().int() })),
}).openapi("AccountDetail");
