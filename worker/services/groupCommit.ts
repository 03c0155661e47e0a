/**
 * Group commit for the answer hot path: statements from concurrent requests in this isolate
 * share one D1 batch (one transaction, one round trip, one disk sync) instead of one each.
 *
 * - Nothing is acknowledged before it is committed: each caller waits for the batch that holds
 *   its own statement.
 * - No artificial delay: an idle isolate runs a lone statement at once; under load, statements
 *   that arrive while a batch is in flight form the next batch.
 * - A batch is only ever run by a request that is still waiting for its own result, so D1 I/O
 *   never happens on behalf of a request that has already answered (workerd cancels that).
 * - If a batch fails (a constraint on one statement rolls the whole transaction back), every
 *   statement of it is retried alone, so one bad statement cannot fail its neighbours.
 */
interface Job {
  stmt: D1PreparedStatement;
  settled: boolean;
  result?: D1Result;
  error?: unknown;
}

export const MAX_BATCH = 50;

let queue: Job[] = [];
let running = false;
let roundDone: Promise<void> = Promise.resolve();

async function runBatch(db: D1Database, jobs: Job[]): Promise<void> {
  try {
    const results = await db.batch(jobs.map((j) => j.stmt));
    jobs.forEach((j, i) => Object.assign(j, { result: results[i], settled: true }));
  } catch {
    for (const j of jobs) {
      try {
        j.result = await j.stmt.all();
      } catch (error) {
        j.error = error;
      }
      j.settled = true;
    }
  }
}

export async function groupCommit(db: D1Database, stmt: D1PreparedStatement): Promise<D1Result> {
  const job: Job = { stmt, settled: false };
  queue.push(job);
  while (!job.settled) {
    if (running) {
      await roundDone;
      continue;
    }
    running = true;
    let finish!: () => void;
    roundDone = new Promise((resolve) => (finish = resolve));
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(batch.length);
    try {
      await runBatch(db, batch);
    } finally {
      running = false;
      finish();
    }
  }
  if (job.error !== undefined) throw job.error;
  return job.result!;
}
