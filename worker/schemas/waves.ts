/** Waves (scheduled survey rounds), their invitations, and bounces from the email provider. */
import { z } from "@hono/zod-openapi";
import { csvBom, line, text } from "./common";

/** `segment` / `manager`: count only the invitations of contacts whose account matches (exact values). */
export const WavesListQuery = z.object({
  surveyId: line(60).optional(),
  segment: line(200).optional().openapi({ description: "Only contacts of accounts in this segment" }),
  manager: line(200).optional().openapi({ description: "Only contacts of this manager's accounts (a manager: themselves only)" }),
});

/** `?bom=1`: the byte-order mark Excel needs to read accents (worker/services/csv.ts). */
export const InvitationsCsvQuery = z.object({ bom: csvBom }).strict();

export const WaveSchema = z
  .object({
    id: z.string(),
    surveyId: z.string(),
    period: z.string(),
    opensAt: z.string(),
    closesAt: z.string(),
    status: z.enum(["open", "closed"]),
    closedAt: z.string().nullable(),
    invited: z.number().int(),
    delivered: z.number().int().openapi({ description: "Sent without a bounce, or answered anyway" }),
    bounced: z.number().int(),
    responded: z.number().int(),
    responseRate: z.number().nullable().openapi({ description: "responded ÷ delivered; null when nothing was delivered" }),
  })
  .openapi("Wave");

export const BounceSchema = z
  .object({
    bounces: z
      .array(
        z
          .object({
            invitationId: line(60).optional(),
            email: z.email().max(254).optional(),
            reason: text(500).optional(),
          })
          .strict()
          .refine((b) => b.invitationId !== undefined || b.email !== undefined, "needs invitationId or email"),
      )
      .min(1)
      .max(500),
  })
  .strict();
