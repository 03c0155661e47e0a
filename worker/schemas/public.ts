/** Shapes of the public widget endpoints (settings, dismissals). Every field is bounded. */
import { z } from "zod";
import { line } from "./common";
import { ContactRefSchema } from "./responses";

const signature = z.string().regex(/^[0-9a-f]{64}$/i, "must be 64 hex characters");

export const WidgetQuery = z
  .object({
    /** Locale candidates, best first: the page's `lang`, then the browser's (`fr-CA,en`). */
    l: line(200, { min: 0, trim: false }).optional(),
    /** The contact's id in the client's own terms (as in `identify({ id })`). */
    uid: line(200).optional(),
    email: z.email().max(320).optional(),
    sig: signature.optional(),
  })
  .strict();

export const DismissalSchema = z
  .object({
    /** Client-generated, so a retried dismissal is recorded once. */
    id: z.uuid(),
    contact: ContactRefSchema.optional(),
    signature: signature.optional(),
  })
  .strict();
