/**
 * Every setting the Worker reads (the string bindings of worker/env.ts), pinned for the tests.
 * `npm run dev` writes the developer's own values to `.dev.vars`, and both the vitest plugin and
 * `wrangler dev` read that file: a suite that took them would pass or fail by machine (a
 * PUBLIC_URL written by `npm run dev` broke test/api/waves.rate.test.ts).
 * - vitest.config.ts passes these as miniflare bindings, which override whatever `.dev.vars` says
 *   (the plugin of this version has no option to skip the file, so every key must be here);
 * - the browser tests hand them to `wrangler dev` as its only env file (test/e2e/wranglerDev.ts):
 *   with `--env-file` wrangler does not read `.dev.vars` at all.
 * An empty string means unset: the Worker treats every optional setting as unset when empty.
 * test/unit/pinnedVars.test.ts checks that the list names every setting and what the Worker sees.
 * No imports: the Node-side configs load this file too.
 */
export const PINNED_VARS = {
  ADMIN_API_KEY: "test-admin-key-0123456789abcdef",
  TIMEZONE: "UTC",
  PUBLIC_URL: "",
  EMAIL_API_URL: "",
  EMAIL_API_KEY: "",
  EMAIL_FROM: "",
  EMAIL_WEBHOOK_SECRET: "",
  EMAIL_BATCH_SIZE: "",
  // Webhook tests deliver to stub receivers on http://127.0.0.1 (never allowed in production).
  ALLOW_LOCAL_DELIVERY_URLS: "true",
  // The suites pin the direct webhook path (waitUntil + cron retries); the queue path runs in
  // test/e2e/webhooks-queue.e2e.ts, whose Worker sets WEBHOOK_DELIVERY to "" (queues).
  WEBHOOK_DELIVERY: "direct",
  WEBHOOK_RETRY_BASE_SECONDS: "",
  WEBHOOK_RETRY_MAX_SECONDS: "",
  WEBHOOK_DETRACTOR_WAIT_SECONDS: "",
  REBUCKET_BATCHES: "",
} as const satisfies Record<string, string>;
