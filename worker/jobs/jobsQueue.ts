/**
 * Jobs that continue themselves through Cloudflare Queues (wrangler.toml: `barometre-jobs`).
 *
 * The time-zone rebuild (jobs/rebucket.ts) reads every answer once. The hourly cron did a slice
 * per tick (40 batches of 500: 20,000 answers), which for a million answers was two days of
 * dashboards on the slow raw path. So a run that is not done puts a
 * message on this queue, and each message does one more slice (BATCHES_PER_INVOCATION: 5,000
 * answers) and puts the next, back to back, until the rebuild is done: minutes. The chain needs nothing else to be safe:
 * - the rebuild is resumable (its cursor is saved with the rows it covers) and idempotent, so a
 *   message delivered twice, or two chains at once (the next cron tick starts another while one is
 *   still going), only repeat reads;
 * - a slice that fails is retried by the queue (max_retries); a chain that stops anyway (retries
 *   spent, the queue unavailable) is started again by the next cron tick, which keeps doing its
 *   own slice as before.
 */
import type { Env, JobMessage } from "../env";
import { BATCHES_PER_INVOCATION, runRebucket } from "./rebucket";

export const JOBS_QUEUE_NAME = "barometre-jobs";

/**
 * Batches per cron tick (REBUCKET_BATCHES, default BATCHES_PER_INVOCATION): the tick shares its
 * invocation's 1,000 D1 queries with the other jobs, and the queue carries on after it.
 */
export const cronBatches = (env: Pick<Env, "REBUCKET_BATCHES">) => {
  const n = Number(env.REBUCKET_BATCHES);
  return Number.isInteger(n) && n > 0 ? n : BATCHES_PER_INVOCATION;
};

/**
 * One slice of the rebuild (the cron's, or a message's of BATCHES_PER_INVOCATION batches); when
 * it is not done, the next slice is queued, if a queue is bound.
 */
export async function rebucketSlice(env: Env, batches: number) {
  const result = await runRebucket(env, batches);
  // A walk another one took over stops there: the one that took over carries itself on.
  const more = result !== "up to date" && !result.done && !result.superseded;
  if (more && env.JOBS_QUEUE) await env.JOBS_QUEUE.send({ job: "rebucket" });
  return { result, queued: more && !!env.JOBS_QUEUE };
}

export async function consumeJobs(batch: MessageBatch<JobMessage>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    if (message.body?.job !== "rebucket") {
      console.error(JSON.stringify({ level: "error", msg: "unknown job", body: message.body }));
      message.ack();
      continue;
    }
    try {
      const { result, queued } = await rebucketSlice(env, BATCHES_PER_INVOCATION);
      console.log(JSON.stringify({ level: "info", job: "rebucket", result, queued }));
      message.ack();
    } catch (e) {
      console.error(JSON.stringify({ level: "error", job: "rebucket", error: String(e) }));
      message.retry();
    }
  }
}
