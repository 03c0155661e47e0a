// The floor for any Worker that stores an answer before replying: parse the body, one D1 INSERT,
// 204. No validation, no rollups. The gap between this and the bare Worker is the storage layer's.
interface Env {
  DB: D1Database;
}
let ready: Promise<unknown> | undefined;
export default {
  async fetch(req: Request, env: Env) {
    ready ??= env.DB.exec("CREATE TABLE IF NOT EXISTS answers (id TEXT PRIMARY KEY, score INTEGER NOT NULL)");
    await ready;
    if (req.method !== "POST") return new Response(null, { status: 204 });
    const { id, score } = (await req.json()) as { id: string; score: number };
    await env.DB.prepare("INSERT INTO answers (id, score) VALUES (?, ?) ON CONFLICT DO NOTHING").bind(id, score).run();
    return new Response(null, { status: 204 });
  },
};
