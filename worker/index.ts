/** Worker entry: HTTP through the Hono app, and the cron (waves, deliveries) through jobs/. */
import { app } from "./app";
import type { Env, JobMessage, WebhookMessage } from "./env";
import { consumeDeadLetters, consumeWebhooks, WEBHOOK_DLQ_NAME, WEBHOOK_QUEUE_NAME } from "./jobs/webhookQueue";
import { pruneAuthTables } from "./auth/housekeeping";
import { deliverPending } from "./jobs/deliver";
import { consumeJobs, cronBatches, JOBS_QUEUE_NAME, rebucketSlice } from "./jobs/jobsQueue";
import { runWaves } from "./jobs/waves";
import { runSurveyRequests } from "./jobs/surveyRequests";
import { runMonthlyDigests } from "./jobs/digest";
import { runWebhookDeliveries } from "./jobs/webhooks";
import { warmMetrics } from "./jobs/warmMetrics";

export type { AppType } from "./app";

/**
 * The hourly cron: open/close waves and create invitations, send what is pending, retry webhooks,
 * prune expired sessions, send the monthly reviews, compute the retention views read lately ahead of
 * their readers. Uses the controller's scheduledTime as "now", so a delayed run behaves
 * as the run it stands for.
 */
export async function scheduled(controller: ScheduledController, env: Env, _ctx?: ExecutionContext): Promise<void> {
  const now = controller.scheduledTime;
  // Waves first, so this run already sends the invitations it creates. One job failing must not
  // starve the others; the run still fails afterwards so it shows, and the next run catches up.
  const errors: unknown[] = [];
  const attempt = async <T>(job: () => Promise<T>) => {
    try {
      return await job();
    } catch (e) {
      errors.push(e);
      return String(e);
    }
  };
  const waves = await attempt(() => runWaves(env, now));
  // Delighted-style survey requests that are due become invitations, sent just below.
  const requests = await attempt(() => runSurveyRequests(env, now));
  const delivery = await attempt(() => deliverPending(env, now));
  // Webhook retries and expired sessions / rate-limit rows (admin-api's jobs), on the same tick.
  const webhooks = await attempt(() => runWebhookDeliveries(env, now));
  const housekeeping = await attempt(() => pruneAuthTables(env, now));
  // The monthly review (first working day of the month; idempotent per user and month).
  const digests = await attempt(() => runMonthlyDigests(env, now));
  // After a change of TIMEZONE: rebuild the bucket columns and rollups, a bounded slice per tick.
  // Not done in this slice: the jobs queue carries on, a slice per message (jobs/jobsQueue.ts).
  const rebucket = await attempt(() => rebucketSlice(env, cronBatches(env)));
  // Last: the retention views people read, computed again before they come back (a new day, or
  // a change that dropped them), a bounded number per run.
  const warm = await attempt(() => warmMetrics(env, now));
  console.log(
    JSON.stringify({
      level: errors.length ? "error" : "info",
      job: "cron",
      cron: controller.cron,
      waves,
      requests,
      delivery,
      webhooks,
      housekeeping,
      digests,
      rebucket,
      warm,
    }),
  );
  if (errors.length > 0) throw errors[0];
}

/** Queue consumers: webhook deliveries and their dead letters (jobs/webhookQueue.ts), and jobs (jobs/jobsQueue.ts). */
export async function queue(batch: MessageBatch<WebhookMessage | JobMessage>, env: Env): Promise<void> {
  if (batch.queue.startsWith(WEBHOOK_DLQ_NAME)) return consumeDeadLetters(batch as MessageBatch<WebhookMessage>, env);
  if (batch.queue.startsWith(WEBHOOK_QUEUE_NAME)) return consumeWebhooks(batch as MessageBatch<WebhookMessage>, env);
  if (batch.queue.startsWith(JOBS_QUEUE_NAME)) return consumeJobs(batch as MessageBatch<JobMessage>, env);
  console.error(JSON.stringify({ level: "error", msg: "message from an unknown queue", queue: batch.queue }));
  batch.retryAll();
}

export default {
  fetch: app.fetch,
  scheduled,
  queue,
} satisfies ExportedHandler<Env, WebhookMessage | JobMessage>;
