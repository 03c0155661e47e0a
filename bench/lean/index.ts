// Bench-only entry (bench/submit.mjs, diagnostic rows): the leanest Worker that stores an answer the
// way Baromètre does, to tell Baromètre's own code apart from what its storage and the rate limiter
// cost. It calls the same write limiter with the same key, reads the body, checks the score, and
// runs the answer's real INSERT (worker/db/queries/answerInsert.ts, so the same row, indexes and
// rollup triggers) through the real group commit, then answers 201. No framework, no schema
// validation, no identity, no survey lookup, no webhooks: what is left is the floor of this design.
// Production never loads this file.
import { answerInsert, type AnswerRow } from "../../worker/db/queries/answerInsert";
import { editKeyHash, newEditToken } from "../../worker/lib/editToken";
import { bucketOf } from "../../worker/metrics/buckets";
import { groupCommit } from "../../worker/services/groupCommit";

interface Env {
  DB: D1Database;
  PUBLIC_WRITE_LIMITER?: RateLimit;
}

const SUBMIT = /^\/api\/v1\/surveys\/([^/]+)\/responses$/;

export default {
  async fetch(req: Request, env: Env, ctx: ExecutionContext): Promise<Response> {
    const surveyId = SUBMIT.exec(new URL(req.url).pathname)?.[1];
    if (req.method !== "POST" || !surveyId) return new Response(null, { status: 204 });
    if (env.PUBLIC_WRITE_LIMITER) {
      const { success } = await env.PUBLIC_WRITE_LIMITER.limit({ key: `write:${req.headers.get("cf-connecting-ip")}:${surveyId}` });
      if (!success) return new Response(null, { status: 429 });
    }
    const { id, score } = (await req.json()) as { id: string; score: number };
    if (typeof id !== "string" || !Number.isInteger(score) || score < 0 || score > 10) return new Response(null, { status: 400 });
    const now = Date.now();
    const editToken = newEditToken();
    const row: AnswerRow = {
      id,
      surveyId,
      contactId: null,
      invitationId: null,
      waveId: null,
      score,
      comment: null,
      answers: null,
      locale: "en",
      channel: "api",
      accountId: null,
      segment: null,
      managerUserId: null,
      bucketMonth: bucketOf(now, "month", "UTC"),
      bucketQuarter: bucketOf(now, "quarter", "UTC"),
      bucketHalf: bucketOf(now, "half", "UTC"),
      properties: null,
      editKeyHash: await editKeyHash(editToken),
      createdAt: new Date(now),
      updatedAt: new Date(now),
    };
    const stored = await groupCommit(env.DB, answerInsert(env.DB, row), { defer: (work) => ctx.waitUntil(work) });
    return stored.results.length > 0 ? Response.json({ id, score, editToken }, { status: 201 }) : Response.json({ id, score }, { status: 200 });
  },
};
