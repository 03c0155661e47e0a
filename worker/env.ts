import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { Role } from "./db/schema";
import type * as schema from "./db/schema";

/**
 * The app's view of its bindings. What wrangler.toml declares (DB, the rate limiters, ASSETS,
 * TIMEZONE) comes from `WranglerEnv`, generated into worker-configuration.d.ts by
 * `npm run cf-typegen` (`npm test` checks it is up to date); what only `.dev.vars` and
 * `wrangler secret put` provide is listed here, optional where the Worker runs without it.
 */
export interface Env extends WranglerEnv {
  /** Bootstrap admin key (`Authorization: Bearer …`) until real keys and users exist. */
  ADMIN_API_KEY: string;
  /** Public origin of this Worker (`https://nps.example.com`), for links in invitations sent by cron. */
  PUBLIC_URL?: string;
  /** Email HTTP API the delivery adapter POSTs invitations to (docs/WAVES.md); unset = no sending. */
  EMAIL_API_URL?: string;
  EMAIL_API_KEY?: string;
  /** Sender address passed to the email API. */
  EMAIL_FROM?: string;
  /** Shared secret the email provider presents on `POST /api/v1/email/bounces`. */
  EMAIL_WEBHOOK_SECRET?: string;
  /** Invitations sent per cron run (default 200), to stay within the subrequest budget. */
  EMAIL_BATCH_SIZE?: string;
  /**
   * "true" only for local development and tests: webhooks and Slack alerts may then also go to
   * plain http:// on 127.0.0.1, localhost or [::1]. Never set it in production.
   */
  ALLOW_LOCAL_DELIVERY_URLS?: string;
}

export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database };

/** Who is calling: resolved once per request by the auth middleware. */
export interface Principal {
  kind: "bootstrap" | "api_key" | "session";
  /** The user acting (null for the bootstrap key and unattached admin keys). */
  userId: string | null;
  role: Role;
  /** Session requests must echo this token on every mutating request. */
  csrfToken?: string;
}

export interface Vars {
  db: Db;
  principal: Principal;
  requestId: string;
}

export type AppEnv = { Bindings: Env; Variables: Vars };
