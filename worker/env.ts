import type { DrizzleD1Database } from "drizzle-orm/d1";
import type { ApiScope, Role } from "./db/schema";

/**
 * The app's view of its bindings. What wrangler.toml declares (DB, the rate limiters, ASSETS,
 * TIMEZONE) comes from `WranglerEnv`, generated into worker-configuration.d.ts by
 * `npm run cf-typegen` (`npm test` checks it is up to date); what only `.dev.vars` and
 * `wrangler secret put` provide is listed here, optional where the Worker runs without it.
 * `OwnTyped` bindings are declared in wrangler.toml but typed here: the queue with its message
 * type, and both as optional because the Worker runs without them (the cron then delivers).
 */
type OwnTyped = "WEBHOOK_QUEUE" | "JOBS_QUEUE" | "V1_API_LIMITER";

export interface Env extends Omit<WranglerEnv, OwnTyped> {
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
  /** Webhook deliveries (worker/jobs/webhookQueue.ts); absent: the cron sends them. */
  WEBHOOK_QUEUE?: Queue<WebhookMessage>;
  /** "direct": deliver webhooks from waitUntil and the cron even where a queue is bound. */
  WEBHOOK_DELIVERY?: string;
  /** Seconds before the first queue retry of a webhook (doubling after); default 120. */
  WEBHOOK_RETRY_BASE_SECONDS?: string;
  /** Longest wait between two queue retries, in seconds; default (and at most) 43200. */
  WEBHOOK_RETRY_MAX_SECONDS?: string;
  /** Seconds a detractor alert waits for the comment; default 60. */
  WEBHOOK_DETRACTOR_WAIT_SECONDS?: string;
  /** The Delighted-compatible /v1 API: per key (worker/routes/delighted). */
  V1_API_LIMITER?: RateLimit;
  /** Jobs that continue themselves (worker/jobs/jobsQueue.ts); absent: the cron does a slice per tick. */
  JOBS_QUEUE?: Queue<JobMessage>;
  /** Batches of 500 answers a time-zone rebuild does per cron tick; default 10 (jobs/jobsQueue.ts). */
  REBUCKET_BATCHES?: string;
}

/** A message on the jobs queue: which job to continue. */
export interface JobMessage {
  job: "rebucket";
}

/** A message on the webhook queue: which delivery to send (the payload stays in D1). */
export interface WebhookMessage {
  deliveryId: string;
}

/**
 * Without the schema: no code uses drizzle's relational `db.query` API, and passing the schema made
 * every per-request handle rebuild the relations config (3 % of the answer path's CPU, bench/profile.mjs).
 */
export type Db = DrizzleD1Database & { $client: D1Database };

/** Who is calling: resolved once per request by the auth middleware. */
export interface Principal {
  kind: "bootstrap" | "api_key" | "session";
  /** The user acting (null for the bootstrap key and unattached admin keys). */
  userId: string | null;
  role: Role;
  /** The API key used (null: bootstrap key or a session). */
  keyId?: string | null;
  /** What an API key may do on top of its role (absent for sessions: the role alone decides). */
  scopes?: ApiScope[];
  /** Session requests must echo this token on every mutating request. */
  csrfToken?: string;
}

export interface Vars {
  db: Db;
  principal: Principal;
  requestId: string;
}

export type AppEnv = { Bindings: Env; Variables: Vars };
