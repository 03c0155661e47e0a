/** Invitations by e-mail and self-service password resets: the single source for validation and the OpenAPI document. */
import { z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";
import { LOCALES, type Locale } from "../locales";
import { emailField, newPassword } from "./auth";
import { line } from "./common";

/** The languages the e-mails are written in. */
const mailLocale = z.enum(Object.keys(LOCALES) as [Locale, ...Locale[]]);

/** The link's secret: refused early when malformed (the lookup then says `invalid_token`). */
const token = z.string().min(1).max(200).openapi({ description: "The `#token=` part of the link" });

export const CreateInvitationSchema = z
  .object({
    email: emailField,
    role: z.enum(ROLES),
    /** The e-mail's language; default: the inviter's. */
    locale: mailLocale.optional(),
  })
  .strict();

export const InvitationSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    role: z.enum(ROLES),
    locale: z.string(),
    status: z.enum(["pending", "expired", "accepted", "revoked"]),
    delivery: z.enum(["email", "email_failed", "link"]).openapi({
      description:
        "How the latest link left: `email`; `email_failed` (the API refused it: link returned); `link` (no e-mail configured: link returned)",
    }),
    sendCount: z.number().int(),
    invitedBy: z.string().nullable(),
    expiresAt: z.string(),
    lastSentAt: z.string(),
    createdAt: z.string(),
  })
  .openapi("Invitation");

export const InvitationSentSchema = z.object({
  invitation: InvitationSchema,
  link: z.string().nullable().openapi({ description: "The link, only when it was not e-mailed: shown once, to pass on" }),
});

export const InvitationListSchema = z.object({ data: z.array(InvitationSchema) });

export const TokenSchema = z.object({ token }).strict();

/** What the accept page shows before the invitee commits. */
export const InvitationPreviewSchema = z.object({ email: z.string(), role: z.enum(ROLES), locale: z.string(), expiresAt: z.string() });

export const AcceptInvitationSchema = z.object({ token, name: line(200), password: newPassword }).strict();

export const ResetRequestSchema = z.object({ email: emailField, locale: mailLocale.optional() }).strict();

export const ResetConfirmSchema = z.object({ token, password: newPassword }).strict();

export const AuthOptionsSchema = z.object({
  passwordReset: z.boolean().openapi({ description: 'Whether "Forgot password?" works here (an e-mail API and PUBLIC_URL are configured)' }),
  email: z.boolean().openapi({ description: "Whether invitations are e-mailed (otherwise the admin passes the link on)" }),
});
