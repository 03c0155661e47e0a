// The floor for any Worker that stores an answer before replying: parse the body, one D1 INSERT,
// 204. No validation, no rollups. The gap between this and the bare Worker is the storage layer's.
// bench/submit.mjs also runs it with Baromètre's write limiter bound as LIMITER (a diagnostic row:
// the floor paying the same local Rate Limiting binding, keyed the same way, per request).
interface Env {
  DB: D1Database;
  LIMITER?: RateLimit;
}
let ready: Promise<unknown> | undefined;
export default {
  async fetch(req: Request, env: Env) {
    ready ??= env.DB.exec("CREATE TABLE IF NOT EXISTS answers (id TEXT PRIMARY KEY, score INTEGER NOT NULL)");
    await ready;
    if (req.method !== "POST") return new Response(null, { status: 204 });
    if (env.LIMITER) {
      const { success } = await env.LIMITER.limit({ key: `write:${req.headers.get("cf-connecting-ip")}:floor` });
      if (!success) return new Response(null, { status: 429 });
    }
    const { id, score } = (await req.json()) as { id: string; score: number };
    await env.DB.prepare("INSERT INTO answers (id, score) VALUES (?, ?) ON CONFLICT DO NOTHING").bind(id, score).run();
    return new Response(null, { status: 204 });
  },
};
