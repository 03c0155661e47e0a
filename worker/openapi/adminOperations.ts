/** The admin side of the API (auth, users, keys, webhooks, comments, follow-ups, export) for the OpenAPI document. */
import { CreateApiKeySchema } from "../schemas/apiKeys";
import {
  BootstrapSchema,
  ChangePasswordSchema,
  CreateUserSchema,
  LoginSchema,
  PatchMeSchema,
  PatchUserSchema,
} from "../schemas/auth";
import { CommentsQuerySchema, ExportQuerySchema, FollowupNoteSchema, FollowupReplySchema, PatchFollowupSchema } from "../schemas/comments";
import { CreateWebhookSchema, PatchWebhookSchema } from "../schemas/webhooks";
import type { Operation } from "./operation";

const e400 = "Invalid input (`invalid_field`, `invalid_json`…)";
const e401 = "Not signed in, or wrong API key";
const e403 = "Role not allowed, or `csrf_failed` (session calls must send X-CSRF-Token)";
const e404 = "Not found (or outside a manager's accounts)";
const guarded = { 401: e401, 403: e403 };

export const adminOperations: Operation[] = [
  { method: "post", path: "/api/v1/auth/login", summary: "Sign in: sets the HttpOnly `bm_session` cookie, returns the CSRF token (JSON body only)", tag: "auth", auth: "public", body: LoginSchema, responses: { 200: "`{ user, csrfToken }`", 400: e400, 401: "`invalid_credentials`", 403: "`account_disabled`", 415: "Not application/json", 429: "`rate_limited` (5 failures per e-mail, 30 per IP, in 15 minutes)" } },
  { method: "post", path: "/api/v1/auth/logout", summary: "Sign out (ends the session; needs X-CSRF-Token while it lives)", tag: "auth", auth: "public", responses: { 204: "Signed out", 403: "`csrf_failed`" } },
  { method: "get", path: "/api/v1/auth/me", summary: "Who is calling", tag: "auth", auth: "key", responses: { 200: "`{ user, csrfToken, role, kind }`", 401: e401 } },
  { method: "patch", path: "/api/v1/auth/me", summary: "Change one's own name, locale, Slack alert URL", tag: "auth", auth: "key", body: PatchMeSchema, responses: { 200: "`{ user }`", 400: e400, ...guarded } },
  { method: "post", path: "/api/v1/auth/password", summary: "Change one's own password (ends every other session)", tag: "auth", auth: "key", body: ChangePasswordSchema, responses: { 200: "`{ user, csrfToken }` and a fresh cookie", 400: e400, 401: "`invalid_credentials`", 403: e403, 429: "`rate_limited`" } },
  { method: "post", path: "/api/v1/auth/bootstrap", summary: "Create the first admin (bootstrap key only, while no admin exists)", tag: "auth", auth: "key", body: BootstrapSchema, responses: { 201: "`{ user }`", 400: e400, ...guarded, 409: "`already_bootstrapped`" } },
  { method: "get", path: "/api/v1/users", summary: "List users (admins: all fields; others: id, name and role of active users, no e-mail)", tag: "users", auth: "key", responses: { 200: "`{ data: User[] }`", 401: e401 } },
  { method: "post", path: "/api/v1/users", summary: "Create a user (admin); without a password, a one-time password is returned", tag: "users", auth: "key", body: CreateUserSchema, responses: { 201: "`{ user, password? }`", 400: e400, ...guarded, 409: "`email_taken`" } },
  { method: "patch", path: "/api/v1/users/{userId}", summary: "Change role, name, locale, disabled, Slack alert URL (admin)", tag: "users", auth: "key", body: PatchUserSchema, responses: { 200: "`{ user }`", 400: e400, ...guarded, 404: e404, 409: "`last_admin`" } },
  { method: "post", path: "/api/v1/users/{userId}/password-reset", summary: "Reset a password (admin): one-time password, the user's sessions end", tag: "users", auth: "key", responses: { 200: "`{ password }`", ...guarded, 404: e404 } },
  { method: "get", path: "/api/v1/api-keys", summary: "List API keys (admin: all; a manager signed in: their own; never the keys themselves)", tag: "api-keys", auth: "key", responses: { 200: "`{ data: ApiKey[] }`", ...guarded } },
  { method: "post", path: "/api/v1/api-keys", summary: "Issue an API key, shown once (admin: any user; a manager signed in: a manager key bound to themselves)", tag: "api-keys", auth: "key", body: CreateApiKeySchema, responses: { 201: "The key's record and `key`", 400: e400, ...guarded } },
  { method: "delete", path: "/api/v1/api-keys/{keyId}", summary: "Revoke an API key (admin; a manager: their own)", tag: "api-keys", auth: "key", responses: { 204: "Revoked", ...guarded, 404: e404 } },
  { method: "get", path: "/api/v1/webhooks", summary: "List webhooks with delivery counts (admin)", tag: "webhooks", auth: "key", responses: { 200: "`{ data }`", ...guarded } },
  { method: "post", path: "/api/v1/webhooks", summary: "Create a webhook (admin); the signing secret is shown once", tag: "webhooks", auth: "key", body: CreateWebhookSchema, responses: { 201: "The webhook and `secret`", 400: e400, ...guarded } },
  { method: "patch", path: "/api/v1/webhooks/{webhookId}", summary: "Change a webhook, or rotate its secret (admin)", tag: "webhooks", auth: "key", body: PatchWebhookSchema, responses: { 200: "The webhook (and `secret` when rotated)", 400: e400, ...guarded, 404: e404 } },
  { method: "delete", path: "/api/v1/webhooks/{webhookId}", summary: "Delete a webhook (admin)", tag: "webhooks", auth: "key", responses: { 204: "Deleted", ...guarded, 404: e404 } },
  { method: "get", path: "/api/v1/webhooks/{webhookId}/deliveries", summary: "The last 50 deliveries (admin)", tag: "webhooks", auth: "key", responses: { 200: "`{ data }`", ...guarded, 404: e404 } },
  { method: "post", path: "/api/v1/webhooks/{webhookId}/test", summary: "Send a signed `webhook.test` event now (admin)", tag: "webhooks", auth: "key", responses: { 200: "The delivery", ...guarded, 404: e404 } },
  { method: "post", path: "/api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/retry", summary: "Send a delivery again now (admin)", tag: "webhooks", auth: "key", responses: { 200: "The delivery", ...guarded, 404: e404 } },
  { method: "get", path: "/api/v1/comments", summary: "Answers with a comment, newest first, with contact, account and follow-up (managers: their accounts)", tag: "comments", auth: "key", query: CommentsQuerySchema, responses: { 200: "`{ data, next }`", 400: e400, ...guarded } },
  { method: "get", path: "/api/v1/followups/{responseId}", summary: "A response's follow-up", tag: "comments", auth: "key", responses: { 200: "`{ responseId, status, ownerUserId, notes }`", 401: e401, 404: e404 } },
  { method: "patch", path: "/api/v1/followups/{responseId}", summary: "Set a follow-up's status or owner (admin, or the account's manager)", tag: "comments", auth: "key", body: PatchFollowupSchema, responses: { 200: "The follow-up", 400: e400, ...guarded, 404: e404 } },
  { method: "post", path: "/api/v1/followups/{responseId}/notes", summary: "Add a note to a follow-up (admin, or the account's manager)", tag: "comments", auth: "key", body: FollowupNoteSchema, responses: { 201: "The note", 400: e400, ...guarded, 404: e404 } },
  { method: "post", path: "/api/v1/followups/{responseId}/reply", summary: "Reply to the respondent (admin, or the account's manager, signed as a person): sent through the email API when configured, else a prepared mailto:; kept on the item; 20 an hour per person", tag: "comments", auth: "key", body: FollowupReplySchema, responses: { 201: "`{ id, kind: reply, delivery: email|email_failed|mailto, subject, mailto }`", 400: e400, ...guarded, 404: e404, 409: "`no_email`: the answer has no contact e-mail", 429: "`rate_limited`" } },
  { method: "get", path: "/api/v1/export/responses.csv", summary: "Answers as streamed RFC 4180 CSV, with the comments filters (managers: their accounts)", tag: "comments", auth: "key", query: ExportQuerySchema, responses: { 200: "text/csv", 400: e400, ...guarded } },
  { method: "get", path: "/api/v1/maintenance/rollups", summary: "Which time zone the rollups are built in, and a rebuild's progress (admin)", tag: "maintenance", auth: "key", responses: { 200: "`{ workspaceTimeZone, rollupsTimeZone, upToDate, rebuilding, cursor }`", ...guarded } },
  { method: "post", path: "/api/v1/maintenance/rollups/rebuild", summary: "Rebuild the bucket columns and rollups in the workspace zone, a bounded slice per call (admin; resumable, safe to repeat)", tag: "maintenance", auth: "key", responses: { 200: "`{ zone, done, scanned, rewritten, cursor }`", ...guarded } },
];
