/** Auth and user shapes: the single source for validation and the OpenAPI document. */
import { z } from "@hono/zod-openapi";
import { ROLES } from "../db/schema";
import { line, locale } from "./common";
import { deliveryUrl } from "./webhooks";

/** E-mails are compared in lower case: `Ann@X.com` and `ann@x.com` are one user. */
export const emailField = z.string().trim().toLowerCase().pipe(z.email().max(320));

/** Login accepts any length up to a bound (old passwords may predate the policy). */
const anyPassword = z.string().min(1).max(1024);
/** New passwords: long enough to resist guessing, bounded so hashing cost stays flat. */
export const newPassword = z.string().min(10, "must be at least 10 characters").max(256);
const name = line(200, { min: 0 });

/** `https://hooks.slack.com/…` or any public HTTPS endpoint taking Slack's `{ text }` payload. */
const slackUrl = deliveryUrl;

export const LoginSchema = z.object({ email: emailField, password: anyPassword }).strict();

export const BootstrapSchema = z.object({ email: emailField, password: newPassword, name: name.optional(), locale: locale.optional() }).strict();

export const ChangePasswordSchema = z.object({ currentPassword: anyPassword, newPassword }).strict();

export const PatchMeSchema = z
  .object({
    name: name.optional(),
    locale: locale.optional(),
    slackWebhookUrl: slackUrl.nullable().optional(),
    /** true: no monthly review by email (the page stays). */
    digestOptOut: z.boolean().optional(),
    /** The survey last chosen on the overview (remembered per user); null forgets it. */
    lastSurveyId: z.string().trim().min(1).max(64).nullable().optional(),
  })
  .strict();

export const CreateUserSchema = z
  .object({
    email: emailField,
    name: name.optional(),
    role: z.enum(ROLES),
    locale: locale.optional(),
    /** Omit to get a generated one-time password in the answer. */
    password: newPassword.optional(),
    slackWebhookUrl: slackUrl.nullable().optional(),
  })
  .strict();

export const PatchUserSchema = z
  .object({
    name: name.optional(),
    role: z.enum(ROLES).optional(),
    locale: locale.optional(),
    disabled: z.boolean().optional(),
    slackWebhookUrl: slackUrl.nullable().optional(),
  })
  .strict();

/** A user as admins see them (auth/users.ts userView): never the password hash. */
export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    locale: z.string(),
    slackWebhookUrl: z.string().nullable(),
    digestOptOut: z.boolean(),
    lastSurveyId: z.string().nullable(),
    disabled: z.boolean(),
    disabledAt: z.string().nullable(),
    hasPassword: z.boolean(),
    createdAt: z.string(),
  })
  .openapi("User");

/** A user as managers and viewers see them (to pick a manager filter or an owner): no e-mail. */
export const PersonSchema = z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES) }).openapi("Person");

export const UserListSchema = z.object({
  data: z
    .array(z.union([UserSchema, PersonSchema]))
    .openapi({ description: "Admins: `User` rows, by e-mail; others: `Person` rows of active users, by name" }),
});

/** Who is calling: the user (null for a key without one), the session's CSRF token, the rights. */
export const MeSchema = z.object({
  user: UserSchema.nullable(),
  csrfToken: z.string().nullable(),
  role: z.enum(ROLES),
  kind: z.enum(["bootstrap", "api_key", "session"]),
});

/** A new session: the user and the token to echo in `X-CSRF-Token` on every mutating request. */
export const SignedInSchema = z.object({ user: UserSchema, csrfToken: z.string() });
