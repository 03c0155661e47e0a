/**
 * The database, whole: every table Baromètre uses, for every feature in PRODUCT.md.
 * drizzle-kit generates `migrations/` from this file; nothing creates tables at run time.
 *
 * Conventions
 * - Ids are text: client-generated UUIDs for responses (idempotent retries), prefixed random ids
 *   elsewhere (see worker/lib/ids.ts).
 * - Instants are integer milliseconds since the epoch (`timestamp_ms`); calendar dates that people
 *   type (an account's start or churn date, a goal's deadline) are ISO `YYYY-MM-DD` text.
 * - Money is integer cents. Scores are integers.
 * - Rollups (`counted`, `rollups`) are maintained by SQL triggers defined in a hand-written
 *   migration (see docs/ARCHITECTURE.md): every path that writes a response keeps them exact.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { SURVEY_KINDS } from "../domain/categories";
import { AT_RISK_SQL } from "./queries/atRisk";
import { ROLES, SURVEY_DEFAULTS, type WidgetPosition } from "../domain/vocabulary";

// The closed lists live in worker/domain/ (shared with the admin page); re-exported for the
// modules that read them next to the tables.
export { SURVEY_KINDS, type SurveyKind } from "../domain/categories";
export { ROLES, type Role, WEBHOOK_EVENTS } from "../domain/vocabulary";

const createdAt = () => integer("created_at", { mode: "timestamp_ms" }).notNull().default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);
const updatedAt = () => integer("updated_at", { mode: "timestamp_ms" }).notNull().default(sql`(cast(unixepoch('subsec') * 1000 as integer))`);

// ---------------------------------------------------------------------------------------------
// People who use the admin page, and how they prove who they are
// ---------------------------------------------------------------------------------------------

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull().default(""),
    role: text("role", { enum: ROLES }).notNull().default("viewer"),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`; null until a password is set. */
    passwordHash: text("password_hash"),
    locale: text("locale").notNull().default("en"),
    /** Where Slack-compatible detractor alerts for this manager go (optional). */
    slackWebhookUrl: text("slack_webhook_url"),
    /** True: no monthly review by email (the page stays available). */
    digestOptOut: integer("digest_opt_out", { mode: "boolean" }).notNull().default(false),
    /** The survey the overview opened last for this user (their last choice wins over the default). */
    lastSurveyId: text("last_survey_id"),
    disabledAt: integer("disabled_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 of the cookie value: a database leak does not leak live sessions. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    userAgent: text("user_agent"),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/**
 * Invitations to join the workspace by e-mail (docs/ADMIN.md, "Users"): an admin names the e-mail
 * and the role; the invitee opens the link, sets a name and password, and is signed in. D1 keeps
 * the SHA-256 of the link's token, never the token. Open = neither accepted nor revoked (expired
 * ones stay open until re-sent, revoked or superseded); at most one open invitation per e-mail.
 */
export const userInvitations = sqliteTable(
  "user_invitations",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    /** The language of the e-mail and of the new user's admin page. */
    locale: text("locale").notNull().default("en"),
    tokenHash: text("token_hash").notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    invitedBy: text("invited_by").references(() => users.id, { onDelete: "set null" }),
    /** How the latest link left: `email`, `email_failed` (the link was shown instead) or `link` (no e-mail configured). */
    delivery: text("delivery", { enum: ["email", "email_failed", "link"] }).notNull(),
    sendCount: integer("send_count").notNull().default(1),
    lastSentAt: integer("last_sent_at", { mode: "timestamp_ms" }).notNull(),
    acceptedAt: integer("accepted_at", { mode: "timestamp_ms" }),
    acceptedUserId: text("accepted_user_id").references(() => users.id, { onDelete: "set null" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("user_invitations_token_unique").on(t.tokenHash),
    uniqueIndex("user_invitations_open_email_unique").on(t.email).where(sql`accepted_at IS NULL AND revoked_at IS NULL`),
  ],
);

/**
 * Self-service password resets (docs/SECURITY.md): one row per e-mailed link, holding the SHA-256
 * of its token. A reset deletes every row of the user (the link used and any other outstanding).
 */
export const passwordResets = sqliteTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

/** Failed logins and other rate-limited events, counted per key in fixed windows. */
export const rateLimits = sqliteTable(
  "rate_limits",
  {
    key: text("key").notNull(),
    windowStart: integer("window_start").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
);

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    /** First characters of the key, shown in the admin page so people can tell keys apart. */
    prefix: text("prefix").notNull(),
    /** SHA-256 of the whole key; the key itself is shown once, at creation. */
    keyHash: text("key_hash").notNull(),
    role: text("role", { enum: ROLES }).notNull().default("admin"),
    /** A manager-role key acts as this user (sees only their accounts). */
    userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    revokedAt: integer("revoked_at", { mode: "timestamp_ms" }),
    /** What the key may do on top of its role: `read`, `write` (docs/SECURITY.md, scopes). */
    scopes: text("scopes", { mode: "json" }).$type<ApiScope[]>().notNull().default(sql`'["read","write"]'`),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("api_keys_hash_unique").on(t.keyHash)],
);

/** Workspace-wide settings (name, default locale…), one row per key, JSON values. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value", { mode: "json" }).notNull(),
  updatedAt: updatedAt(),
});

// ---------------------------------------------------------------------------------------------
// Surveys
// ---------------------------------------------------------------------------------------------

export const SURVEY_STATUSES = ["active", "paused", "archived"] as const;

/** Texts of one survey in one locale. Missing keys fall back to the built-in defaults. */
export interface SurveyTexts {
  question?: string;
  lowLabel?: string;
  highLabel?: string;
  /** Follow-up open question, worded by score category (NPS: detractor/passive/promoter). */
  followUp?: { detractor?: string; passive?: string; promoter?: string };
  commentPlaceholder?: string;
  submit?: string;
  thankYou?: string;
  close?: string;
}

export interface ExtraQuestion {
  id: string;
  type: "text" | "choice";
  required?: boolean;
  choices?: string[];
  /** Wording by locale. */
  label: Record<string, string>;
}

export interface SurveyTheme {
  color: string;
  position: WidgetPosition;
}

/** When waves open: each listed month, on `day`, for `windowDays`. */
export interface SurveyCadence {
  enabled: boolean;
  months: number[];
  day: number;
  windowDays: number;
}

export const surveys = sqliteTable(
  "surveys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    kind: text("kind", { enum: SURVEY_KINDS }).notNull(),
    status: text("status", { enum: SURVEY_STATUSES }).notNull().default("active"),
    defaultLocale: text("default_locale").notNull().default("en"),
    /** `{ "en": SurveyTexts, "fr": SurveyTexts, … }` */
    texts: text("texts", { mode: "json" }).$type<Record<string, SurveyTexts>>().notNull().default(sql`'{}'`),
    extraQuestions: text("extra_questions", { mode: "json" }).$type<ExtraQuestion[]>().notNull().default(sql`'[]'`),
    /** A contact who answered within this many days is not asked again (biannual: 182). */
    resurveyDays: integer("resurvey_days").notNull().default(SURVEY_DEFAULTS.resurveyDays),
    /** A contact who closed the survey is not asked again for this many days. */
    dismissDays: integer("dismiss_days").notNull().default(SURVEY_DEFAULTS.dismissDays),
    samplingPercent: integer("sampling_percent").notNull().default(SURVEY_DEFAULTS.samplingPercent),
    /** Origins allowed to embed the widget (`https://app.example.com`); empty = any origin. */
    allowedOrigins: text("allowed_origins", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
    theme: text("theme", { mode: "json" })
      .$type<SurveyTheme>()
      .notNull()
      .default(sql.raw(`'${JSON.stringify(SURVEY_DEFAULTS.theme)}'`)),
    cadence: text("cadence", { mode: "json" })
      .$type<SurveyCadence>()
      .notNull()
      .default(sql.raw(`'${JSON.stringify(SURVEY_DEFAULTS.cadence)}'`)),
    /** When true, identified answers must carry HMAC-SHA256(contact id, signingSecret). */
    requireSignature: integer("require_signature", { mode: "boolean" }).notNull().default(false),
    signingSecret: text("signing_secret").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    archivedAt: integer("archived_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("surveys_status_idx").on(t.status)],
);

// ---------------------------------------------------------------------------------------------
// Client companies and the people in them
// ---------------------------------------------------------------------------------------------

export const accounts = sqliteTable(
  "accounts",
  {
    id: text("id").primaryKey(),
    externalId: text("external_id"),
    name: text("name").notNull(),
    managerUserId: text("manager_user_id").references(() => users.id, { onDelete: "set null" }),
    segment: text("segment"),
    plan: text("plan"),
    /** Current MRR in cents; the history is in `account_mrr`. */
    mrrCents: integer("mrr_cents").notNull().default(0),
    startedOn: text("started_on").notNull(),
    churnedOn: text("churned_on"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("accounts_external_id_unique").on(t.externalId),
    // A manager's book in name order (their default accounts list: one page read, not the book sorted).
    index("accounts_manager_idx").on(t.managerUserId, t.name, t.id),
    index("accounts_segment_idx").on(t.segment),
    // The accounts list pages by name (worker/services/accounts.ts).
    index("accounts_name_idx").on(t.name, t.id),
    // …and by MRR when sorted on it.
    index("accounts_mrr_idx").on(t.mrrCents, t.id),
  ],
);

/**
 * Each account's NPS standing, per NPS survey and across every NPS survey (`survey_id` ''): the
 * mean of its contacts' counted answers in its latest half-year with answers, the same in the
 * half before that, and the time of its latest answer there (services/accounts.ts says what they
 * mean). One row per account and NPS survey, answered or not, so that the accounts list sorts and
 * pages through an index whatever the filter; kept exact by triggers on `counted`, `accounts` and
 * `surveys` (migrations/0012_account_standings.sql).
 */
export const accountStandings = sqliteTable(
  "account_standings",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    /** An NPS survey's id, or '' for every NPS survey together. */
    surveyId: text("survey_id").notNull(),
    lastScore: real("last_score"),
    previousScore: real("previous_score"),
    change: real("change").generatedAlwaysAs(sql`last_score - previous_score`, { mode: "virtual" }),
    lastAt: integer("last_at"),
  },
  (t) => [
    primaryKey({ columns: [t.accountId, t.surveyId] }),
    // The list sorted by score, change or last answer: one index walk per page (nulls read apart).
    index("account_standings_score_idx").on(t.surveyId, t.lastScore, t.accountId),
    index("account_standings_change_idx").on(t.surveyId, t.change, t.accountId),
    index("account_standings_last_idx").on(t.surveyId, t.lastAt, t.accountId),
    // The at-risk accounts alone: when they are few, the at-risk list reads them all and sorts.
    index("account_standings_risk_idx").on(t.surveyId, t.accountId).where(sql.raw(AT_RISK_SQL)),
  ],
);

/**
 * Retention, cohorts and retention by category as last computed, per request (kind, query, scope,
 * time zone, as-of date). They read every account in scope, so a warm read returns the stored
 * body; triggers on `accounts`, `account_mrr` and `responses` delete the rows a change could
 * alter (by the date it takes effect) and bump `metric_cache_gen`, so a result computed while a
 * write ran is never stored (docs/SCALING.md, "Retention, cohorts, retention by category").
 */
export const metricCache = sqliteTable(
  "metric_cache",
  {
    key: text("key").primaryKey(),
    kind: text("kind", { enum: ["retention", "cohorts", "by_category", "value"] }).notNull(),
    /** By category: the survey whose answers gave the categories. */
    surveyId: text("survey_id"),
    asOf: text("as_of").notNull(),
    /** The latest date whose account state the result read (`YYYY-MM-DD`). */
    readsUntil: text("reads_until").notNull(),
    /** When it was computed (ms): answers given later were not read, unless tied to a closed wave. */
    computedAt: integer("computed_at").notNull(),
    body: text("body").notNull(),
  },
  (t) => [index("metric_cache_reads_until_idx").on(t.readsUntil), index("metric_cache_survey_idx").on(t.surveyId, t.computedAt)],
);

/**
 * The retention views people read, so the hourly cron can compute them again before the next
 * reader when the day turns or a change drops them from `metric_cache` (jobs/warmMetrics.ts).
 * One row per request without its as-of date; `params` is what reproduces it (the validated query
 * and the manager scope), written by the server only. Kept while read within the last 14 days.
 */
export const metricDemand = sqliteTable("metric_demand", {
  key: text("key").primaryKey(),
  kind: text("kind", { enum: ["retention", "cohorts", "by_category", "value"] }).notNull(),
  params: text("params", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  /** The last as-of date it was read on (`YYYY-MM-DD`, workspace zone). */
  readOn: text("read_on").notNull(),
});

/** One row: bumped by every write that can change a cached metric (see metricCache). */
export const metricCacheGen = sqliteTable("metric_cache_gen", {
  id: integer("id").primaryKey(),
  n: integer("n").notNull().default(0),
});

/** MRR history: the MRR in force from `effectiveOn` until the next row. */
export const accountMrr = sqliteTable(
  "account_mrr",
  {
    accountId: text("account_id")
      .notNull()
      .references(() => accounts.id, { onDelete: "cascade" }),
    effectiveOn: text("effective_on").notNull(),
    mrrCents: integer("mrr_cents").notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.effectiveOn] })],
);

export const contacts = sqliteTable(
  "contacts",
  {
    id: text("id").primaryKey(),
    externalId: text("external_id"),
    accountId: text("account_id").references(() => accounts.id, { onDelete: "set null" }),
    email: text("email"),
    name: text("name"),
    locale: text("locale"),
    traits: text("traits", { mode: "json" }).$type<Record<string, unknown>>(),
    unsubscribedAt: integer("unsubscribed_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("contacts_external_id_unique").on(t.externalId),
    uniqueIndex("contacts_email_unique").on(t.email),
    index("contacts_account_idx").on(t.accountId),
  ],
);

// ---------------------------------------------------------------------------------------------
// Waves and invitations
// ---------------------------------------------------------------------------------------------

export const waves = sqliteTable(
  "waves",
  {
    id: text("id").primaryKey(),
    surveyId: text("survey_id")
      .notNull()
      .references(() => surveys.id, { onDelete: "cascade" }),
    /** Stable name of the wave in the cadence (`2026-07`): the cron's idempotency key. */
    period: text("period").notNull(),
    opensAt: integer("opens_at", { mode: "timestamp_ms" }).notNull(),
    closesAt: integer("closes_at", { mode: "timestamp_ms" }).notNull(),
    status: text("status", { enum: ["open", "closed"] })
      .notNull()
      .default("open"),
    closedAt: integer("closed_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("waves_survey_period_unique").on(t.surveyId, t.period)],
);

export const INVITATION_STATUSES = ["pending", "sent", "bounced", "failed"] as const;

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    waveId: text("wave_id")
      .notNull()
      .references(() => waves.id, { onDelete: "cascade" }),
    surveyId: text("survey_id")
      .notNull()
      .references(() => surveys.id, { onDelete: "cascade" }),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    /** Personal link token (`/s/:surveyId?t=…`), random, unguessable. */
    token: text("token").notNull(),
    status: text("status", { enum: INVITATION_STATUSES }).notNull().default("pending"),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    bouncedAt: integer("bounced_at", { mode: "timestamp_ms" }),
    lastError: text("last_error"),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("invitations_wave_contact_unique").on(t.waveId, t.contactId),
    uniqueIndex("invitations_token_unique").on(t.token),
    index("invitations_status_idx").on(t.status),
    index("invitations_contact_idx").on(t.contactId),
  ],
);

// ---------------------------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------------------------

export const CHANNELS = ["widget", "link", "email", "api", "import"] as const;
export type Channel = (typeof CHANNELS)[number];

export const responses = sqliteTable(
  "responses",
  {
    /** Generated by the client, so a retried request updates instead of duplicating. */
    id: text("id").primaryKey(),
    surveyId: text("survey_id")
      .notNull()
      .references(() => surveys.id, { onDelete: "cascade" }),
    contactId: text("contact_id").references(() => contacts.id, { onDelete: "set null" }),
    invitationId: text("invitation_id").references(() => invitations.id, { onDelete: "set null" }),
    waveId: text("wave_id").references(() => waves.id, { onDelete: "set null" }),
    score: integer("score").notNull(),
    comment: text("comment"),
    /** Answers to the survey's extra questions, by question id. */
    answers: text("answers", { mode: "json" }).$type<Record<string, string>>(),
    locale: text("locale").notNull().default("en"),
    channel: text("channel", { enum: CHANNELS }).notNull().default("api"),
    /** Account attributes captured when the answer arrived (see docs/ARCHITECTURE.md). */
    accountId: text("account_id"),
    segment: text("segment"),
    managerUserId: text("manager_user_id"),
    /** Bucket starts (`YYYY-MM-DD`) in the workspace time zone, computed when written. */
    bucketMonth: text("bucket_month").notNull(),
    bucketQuarter: text("bucket_quarter").notNull(),
    bucketHalf: text("bucket_half").notNull(),
    /** Free properties sent with the answer (page URL, app version…), bounded in size. */
    properties: text("properties", { mode: "json" }).$type<Record<string, string>>(),
    /**
     * SHA-256 (hex, first 32) of the respondent's edit token: only whoever created the answer may
     * change it (docs/SECURITY.md). Null for answers that nobody may edit (imports, old rows).
     */
    editKeyHash: text("edit_key_hash"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("responses_survey_created_idx").on(t.surveyId, t.createdAt),
    // Partial: an anonymous answer has no contact nor account, and most answers no wave; every
    // read through these indexes names one (`= ?`, `IN`, a join), and an entry under NULL was one
    // more row written per answer for nothing (docs/SCALING.md, "What one answer costs").
    index("responses_contact_created_idx").on(t.contactId, t.createdAt).where(sql`${t.contactId} IS NOT NULL`),
    index("responses_account_created_idx").on(t.accountId, t.createdAt).where(sql`${t.accountId} IS NOT NULL`),
    index("responses_wave_idx").on(t.waveId).where(sql`${t.waveId} IS NOT NULL`),
    // The comments list across surveys, newest first: only answers with a comment are indexed.
    index("responses_commented_idx").on(t.createdAt, t.id).where(sql`${t.comment} IS NOT NULL`),
    // An account manager's answers in time order (their comments queue, export and responses
    // list: services/scope.ts, responsesInScopeInTimeOrder), in one survey and across surveys.
    // Anonymous answers and accounts without a manager are not indexed.
    index("responses_survey_manager_created_idx").on(t.surveyId, t.managerUserId, t.createdAt).where(sql`${t.managerUserId} IS NOT NULL`),
    index("responses_manager_created_idx").on(t.managerUserId, t.createdAt).where(sql`${t.managerUserId} IS NOT NULL`),
    // Their commented answers in one survey, for the comment search's walk (services/commentsList.ts):
    // a third of the rows the index above reads for the same window, each on its own page.
    index("responses_survey_manager_commented_idx")
      .on(t.surveyId, t.managerUserId, t.createdAt)
      .where(sql`${t.managerUserId} IS NOT NULL AND ${t.comment} IS NOT NULL`),
  ],
);

export const dismissals = sqliteTable(
  "dismissals",
  {
    id: text("id").primaryKey(),
    surveyId: text("survey_id")
      .notNull()
      .references(() => surveys.id, { onDelete: "cascade" }),
    contactId: text("contact_id").references(() => contacts.id, { onDelete: "cascade" }),
    channel: text("channel", { enum: CHANNELS }).notNull().default("widget"),
    createdAt: createdAt(),
  },
  (t) => [index("dismissals_contact_idx").on(t.contactId, t.createdAt)],
);

/** Close the loop: a detractor's answer gets an owner, a status and notes. */
export const FOLLOWUP_STATUSES = ["open", "contacted", "resolved"] as const;

export const followups = sqliteTable(
  "followups",
  {
    responseId: text("response_id")
      .primaryKey()
      .references(() => responses.id, { onDelete: "cascade" }),
    ownerUserId: text("owner_user_id").references(() => users.id, { onDelete: "set null" }),
    status: text("status", { enum: FOLLOWUP_STATUSES }).notNull().default("open"),
    /**
     * Local day (`YYYY-MM-DD`) by which someone should have acted: N working days after the
     * answer (settings `followup_due_working_days`, default 2). Set by the trigger that creates
     * the follow-up (migrations/0005); overdue = not resolved and today > dueOn.
     */
    dueOn: text("due_on"),
    resolvedAt: integer("resolved_at", { mode: "timestamp_ms" }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index("followups_status_idx").on(t.status, t.ownerUserId), index("followups_due_idx").on(t.status, t.dueOn)],
);

/**
 * Unresolved follow-up items counted by the manager their answer carries (`responses.
 * manager_user_id`, '' for none), their owner ('' for nobody) and their due day ('' for none),
 * so the follow-up summary (services/followups.ts) sums a few rows per day instead of counting
 * every open item: kept by the triggers of migrations/0018_followup_counts.sql, on every path
 * that creates, changes, moves or deletes an item (test/api/followupCounts.test.ts holds it to
 * a count of the items themselves).
 */
export const followupCounts = sqliteTable(
  "followup_counts",
  {
    manager: text("manager").notNull().default(""),
    owner: text("owner").notNull().default(""),
    dueOn: text("due_on").notNull().default(""),
    open: integer("open").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.manager, t.owner, t.dueOn] })],
);

export const followupNotes = sqliteTable(
  "followup_notes",
  {
    id: text("id").primaryKey(),
    responseId: text("response_id")
      .notNull()
      .references(() => followups.responseId, { onDelete: "cascade" }),
    authorUserId: text("author_user_id").references(() => users.id, { onDelete: "set null" }),
    body: text("body").notNull(),
    /** `note`: internal; `reply`: written to the respondent (the exchange kept on the item). */
    kind: text("kind", { enum: ["note", "reply"] })
      .notNull()
      .default("note"),
    /** For replies: `email` (sent through the email API), `mailto` (prepared for the user's mail app). */
    delivery: text("delivery"),
    createdAt: createdAt(),
  },
  (t) => [index("followup_notes_response_idx").on(t.responseId)],
);

/**
 * The monthly review: one row per user and month, claimed before sending, so a cron that runs
 * twice (or two overlapping runs) never sends a review twice.
 */
export const digestSends = sqliteTable(
  "digest_sends",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** `YYYY-MM`: the month the review opens (it covers the month before). */
    month: text("month").notNull(),
    status: text("status", { enum: ["sending", "sent", "failed"] })
      .notNull()
      .default("sending"),
    error: text("error"),
    createdAt: createdAt(),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.month] })],
);

// ---------------------------------------------------------------------------------------------
// Rollups: what the dashboard reads instead of scanning `responses`
// ---------------------------------------------------------------------------------------------

export const INTERVALS = ["month", "quarter", "half"] as const;
export type Interval = (typeof INTERVALS)[number];
/**
 * The intervals `counted`, `rollups` and `cube` are kept in: the calendar ones, and `wave` (bucket =
 * the wave id, for answers tied to a wave; migrations/0014_wave_buckets.sql), which a time-zone
 * rebuild leaves alone.
 */
export const STORED_INTERVALS = [...INTERVALS, "wave"] as const;
export const DIMENSIONS = ["all", "channel", "locale", "segment", "manager", "account"] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * The response that counts for each member (a contact, or an anonymous response on its own)
 * in each bucket: the latest one (METRICS.md, "Which responses count"). Kept by triggers.
 */
export const counted = sqliteTable(
  "counted",
  {
    surveyId: text("survey_id").notNull(),
    interval: text("interval", { enum: STORED_INTERVALS }).notNull(),
    bucket: text("bucket").notNull(),
    /** contact id, or `r:<response id>` for an anonymous response. */
    member: text("member").notNull(),
    responseId: text("response_id").notNull(),
    score: integer("score").notNull(),
    channel: text("channel").notNull(),
    locale: text("locale").notNull(),
    accountId: text("account_id"),
    segment: text("segment"),
    managerUserId: text("manager_user_id"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.surveyId, t.interval, t.bucket, t.member] }),
    index("counted_response_idx").on(t.responseId),
    // An account's standing (accounts list, account page) reads its own half-year rows only;
    // partial, so an answer writes one entry here, not one per interval.
    index("counted_account_idx").on(t.accountId, t.bucket).where(sql`${t.interval} = 'half' AND ${t.accountId} IS NOT NULL`),
  ],
);

/** `n` and the count of each score 0…10: the eleven counts every per-bucket metric derives from. */
const histogramColumns = () => ({
  n: integer("n").notNull().default(0),
  s0: integer("s0").notNull().default(0),
  s1: integer("s1").notNull().default(0),
  s2: integer("s2").notNull().default(0),
  s3: integer("s3").notNull().default(0),
  s4: integer("s4").notNull().default(0),
  s5: integer("s5").notNull().default(0),
  s6: integer("s6").notNull().default(0),
  s7: integer("s7").notNull().default(0),
  s8: integer("s8").notNull().default(0),
  s9: integer("s9").notNull().default(0),
  s10: integer("s10").notNull().default(0),
});

/**
 * Score histogram of the counted responses per survey, bucket and breakdown value. Every metric
 * of a bucket (NPS and its interval, CSAT, CES, means) derives from these eleven counts.
 * Since migrations/0011 only `all` and `account` rows are kept: channel, locale, segment and
 * manager are read from `cube`.
 */
export const rollups = sqliteTable(
  "rollups",
  {
    surveyId: text("survey_id").notNull(),
    interval: text("interval", { enum: STORED_INTERVALS }).notNull(),
    bucket: text("bucket").notNull(),
    dim: text("dim", { enum: DIMENSIONS }).notNull(),
    /** '' for dim = all. */
    dimValue: text("dim_value").notNull(),
    ...histogramColumns(),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.interval, t.dim, t.dimValue, t.bucket] })],
);

/**
 * The same histogram per survey, bucket and every attribute at once (channel × locale × segment ×
 * manager): any combination of those filters is a sum over matching rows, and a breakdown by one
 * of them a GROUP BY (docs/SCALING.md, "The cube"). Kept by the triggers on `counted`
 * (migrations/0011_cube.sql). No account: an account filter reads `rollups` or, combined with
 * others, that one account's answers. A missing segment or manager is stored as '' (a NULL in a
 * key would make every upsert a new row); filters and breakdowns never ask for ''.
 */
export const cube = sqliteTable(
  "cube",
  {
    surveyId: text("survey_id").notNull(),
    interval: text("interval", { enum: STORED_INTERVALS }).notNull(),
    bucket: text("bucket").notNull(),
    channel: text("channel").notNull(),
    locale: text("locale").notNull(),
    segment: text("segment").notNull(),
    manager: text("manager").notNull(),
    ...histogramColumns(),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.interval, t.bucket, t.channel, t.locale, t.segment, t.manager] })],
);

// ---------------------------------------------------------------------------------------------
// Goals, integrations, imports
// ---------------------------------------------------------------------------------------------

export const GOAL_METRICS = ["nps", "csat", "ces", "response_rate", "crr", "nrr"] as const;

export const goals = sqliteTable("goals", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  metric: text("metric", { enum: GOAL_METRICS }).notNull(),
  surveyId: text("survey_id").references(() => surveys.id, { onDelete: "cascade" }),
  /** Optional breakdown the goal is about: `{ "segment": "enterprise" }` or `{ "manager": id }`. */
  scope: text("scope", { mode: "json" }).$type<Record<string, string>>(),
  target: real("target").notNull(),
  /** `YYYY-MM-DD` */
  deadline: text("deadline").notNull(),
  createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: createdAt(),
});

export const webhooks = sqliteTable("webhooks", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  /** Signs each delivery: `Barometre-Signature: t=…,v1=HMAC-SHA256(t.body)`. */
  secret: text("secret").notNull(),
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  /** `generic` JSON, or `slack` (Slack-compatible `{ text }` detractor alerts). */
  format: text("format", { enum: ["generic", "slack"] })
    .notNull()
    .default("generic"),
  /**
   * How deliveries are signed: `standard` (Standard Webhooks: webhook-id, webhook-timestamp,
   * webhook-signature), the default for new endpoints; `barometre` (Barometre-Signature) for
   * endpoints created before it.
   */
  signing: text("signing", { enum: ["barometre", "standard"] })
    .notNull()
    .default("barometre"),
  active: integer("active", { mode: "boolean" }).notNull().default(true),
  /**
   * Set for a manager's personal alert hook (mirrors `users.slack_webhook_url`): it receives only
   * events about accounts that user manages. Null: a workspace webhook, receives every event.
   */
  userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
  createdAt: createdAt(),
});

export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    webhookId: text("webhook_id")
      .notNull()
      .references(() => webhooks.id, { onDelete: "cascade" }),
    event: text("event").notNull(),
    payload: text("payload").notNull(),
    status: text("status", { enum: ["pending", "delivered", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: integer("next_attempt_at", { mode: "timestamp_ms" }).notNull(),
    lastError: text("last_error"),
    deliveredAt: integer("delivered_at", { mode: "timestamp_ms" }),
    /**
     * When the delivery was handed to the webhook queue; null while it has not been (the queue
     * was unavailable): the cron sweeps those.
     */
    queuedAt: integer("queued_at", { mode: "timestamp_ms" }),
    /**
     * The event's id (the payload's `id`): one delivery per hook and event, so a statement run
     * twice (a D1 batch whose reply was lost, services/groupCommit.ts) cannot queue an event
     * twice. Null on deliveries queued before migration 0023.
     */
    eventId: text("event_id"),
    createdAt: createdAt(),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    uniqueIndex("webhook_deliveries_event_unique").on(t.eventId, t.webhookId),
  ],
);

export const importJobs = sqliteTable("import_jobs", {
  id: text("id").primaryKey(),
  kind: text("kind", { enum: ["accounts", "contacts", "responses", "history"] }).notNull(),
  status: text("status", { enum: ["running", "done", "failed"] })
    .notNull()
    .default("running"),
  processedRows: integer("processed_rows").notNull().default(0),
  okRows: integer("ok_rows").notNull().default(0),
  errorRows: integer("error_rows").notNull().default(0),
  /** First errors (row, field, code, message), bounded so a bad file cannot bloat the table. */
  errors: text("errors", { mode: "json" }).$type<{ row: number; field: string; code: string; message: string }[]>().notNull().default(sql`'[]'`),
  createdBy: text("created_by"),
  createdAt: createdAt(),
  finishedAt: integer("finished_at", { mode: "timestamp_ms" }),
});

/** Audit trail of GDPR erasures and other destructive admin actions. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    target: text("target").notNull(),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [index("audit_log_created_idx").on(t.createdAt)],
);

// ---------------------------------------------------------------------------------------------
// Integrations: the Delighted-compatible surface, queue deliveries (docs/INTEGRATIONS.md)
// ---------------------------------------------------------------------------------------------

export const API_SCOPES = ["read", "write"] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/**
 * A survey asked of one person through the Delighted-compatible `POST /v1/people`: due at
 * `sendAt` (its `delay`), turned into an invitation by the cron, or cancelled by
 * `DELETE /v1/people/:email/survey_requests/pending`.
 */
export const surveyRequests = sqliteTable(
  "survey_requests",
  {
    id: text("id").primaryKey(),
    surveyId: text("survey_id")
      .notNull()
      .references(() => surveys.id, { onDelete: "cascade" }),
    contactId: text("contact_id")
      .notNull()
      .references(() => contacts.id, { onDelete: "cascade" }),
    sendAt: integer("send_at", { mode: "timestamp_ms" }).notNull(),
    status: text("status", { enum: ["pending", "sent", "canceled"] })
      .notNull()
      .default("pending"),
    invitationId: text("invitation_id").references(() => invitations.id, { onDelete: "set null" }),
    properties: text("properties", { mode: "json" }).$type<Record<string, string>>(),
    createdAt: createdAt(),
  },
  (t) => [index("survey_requests_due_idx").on(t.status, t.sendAt), index("survey_requests_contact_idx").on(t.contactId)],
);

/** Every try of a webhook delivery (the queue consumer writes one row per attempt). */
export const webhookAttempts = sqliteTable(
  "webhook_attempts",
  {
    id: text("id").primaryKey(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    ok: integer("ok", { mode: "boolean" }).notNull(),
    error: text("error"),
    durationMs: integer("duration_ms").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.attempt)],
);
