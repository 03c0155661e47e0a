/**
 * Group commit for the answer hot path: statements from concurrent requests in this isolate
 * share one D1 batch (one transaction, one round trip, one disk sync) instead of one each.
 *
 * - Nothing is acknowledged before it is committed: each caller waits for the batch that holds
 *   its own statement.
 * - No artificial delay: an idle isolate runs a lone statement at once; under load, statements
 *   that arrive while a batch is in flight form the next batch.
 * - Requests never wake one another. In workerd an I/O call belongs to the request whose code is
 *   running when it starts and is cancelled with it, and a promise settled by another request
 *   resumes its waiters inside that request. Waiters woken that way (the first version here) ran
 *   the next batch inside the previous leader's request: the batch died with that request's reply,
 *   nothing ever settled it, and every later answer of the isolate hung (under sustained load, one
 *   batch in about 1,700, then every request a 500; `bench/soak.mjs`). So a waiter sleeps
 *   on a timer of its own, which resumes it in its own request, and looks again: a batch is only
 *   ever run by a request that is still waiting for its own result, from its own context.
 * - A leader's batch is handed to its request's `waitUntil` when the caller gives it (`defer`), so
 *   a client that leaves mid-batch does not cancel the batch its neighbours wait for. A leader
 *   that is gone all the same is not waited for forever: after `staleMs` the first waiter to look
 *   puts that batch's unsettled statements back and runs them. A statement settles once, by
 *   whichever run answers first.
 * - If a batch fails (a constraint on one statement rolls the whole transaction back), every
 *   statement of it is retried alone, so one bad statement cannot fail its neighbours.
 * - Either way a statement may run twice, and the first run may have committed (a batch whose
 *   reply was lost, a slow batch given up): its result says so (`rerun`). The answer's INSERT
 *   ignores an existing id, and the caller then recognises its own row (recordResponse.ts); a
 *   webhook enqueue inserts nothing for an event already queued, and reads back the first run's
 *   deliveries (jobs/webhooks.ts).
 */
interface Job {
  stmt: D1PreparedStatement;
  settled: boolean;
  /** An earlier run of this statement may have committed: its batch failed, or was given up. */
  rerun: boolean;
  result?: D1Result;
  error?: unknown;
}

/** A statement's result, and whether it comes from a second run (see above). */
export type Committed = D1Result & { rerun: boolean };

interface Round {
  jobs: Job[];
  since: number;
}

export const MAX_BATCH = 50;
/** A batch out for longer than this is presumed lost with its leader's request (a D1 batch takes milliseconds). */
export const STALE_MS = 5_000;

let queue: Job[] = [];
let inflight: Round | null = null;
/** How long batches take here lately (ms, moving average): a waiter looks again about halfway through one. */
let batchMs = 2;

function settle(job: Job, outcome: { result: D1Result } | { error: unknown }): void {
  if (job.settled) return;
  Object.assign(job, outcome, { settled: true });
}

async function runBatch(db: D1Database, jobs: Job[]): Promise<void> {
  try {
    const results = await db.batch(jobs.map((j) => j.stmt));
    jobs.forEach((j, i) => settle(j, { result: results[i]! }));
  } catch {
    for (const j of jobs) {
      if (j.settled) continue;
      j.rerun = true;
      try {
        settle(j, { result: await j.stmt.all() });
      } catch (error) {
        settle(j, { error });
      }
    }
  }
}

/** A timer of the caller's own request: it resumes the caller there, whoever runs meanwhile. */
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface GroupCommitOptions {
  /** The request's `executionCtx.waitUntil`: the batch this request leads outlives its client. */
  defer?: (work: Promise<unknown>) => void;
  staleMs?: number;
}

export async function groupCommit(db: D1Database, stmt: D1PreparedStatement, opts: GroupCommitOptions = {}): Promise<Committed> {
  const staleMs = opts.staleMs ?? STALE_MS;
  const job: Job = { stmt, settled: false, rerun: false };
  queue.push(job);
  while (!job.settled) {
    if (inflight && Date.now() - inflight.since > staleMs) {
      // Its leader is gone: what it did not settle runs again, first (a round's jobs left the queue when it took them).
      const lost = inflight.jobs.filter((j) => !j.settled);
      for (const j of lost) j.rerun = true;
      queue = [...lost, ...queue];
      inflight = null;
    }
    if (inflight) {
      await pause(Math.min(Math.max(1, Math.round(batchMs / 2)), 20));
      continue;
    }
    const round: Round = { jobs: queue.slice(0, MAX_BATCH), since: Date.now() };
    queue = queue.slice(round.jobs.length);
    inflight = round;
    const work = runBatch(db, round.jobs).finally(() => {
      batchMs = 0.8 * batchMs + 0.2 * (Date.now() - round.since);
      if (inflight === round) inflight = null;
    });
    opts.defer?.(work);
    await work;
  }
  if (job.error !== undefined) throw job.error;
  return { ...job.result!, rerun: job.rerun };
}
