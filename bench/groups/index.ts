// Bench-only entry (node bench/submit.mjs --groups): Baromètre's Worker unchanged, with its D1
// binding wrapped to count the size of every batch (services/groupCommit.ts sends each commit
// group as one batch, a lone answer as a batch of one). GET /__bench/groups returns the counts.
// Production never loads this file.
import worker from "../../worker/index";
import type { Env } from "../../worker/env";

const sizes: Record<number, number> = {};
let wrapped: { from: Env; to: Env } | undefined;

function counting(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "batch") {
        return (stmts: D1PreparedStatement[]) => {
          sizes[stmts.length] = (sizes[stmts.length] ?? 0) + 1;
          return target.batch(stmts);
        };
      }
      const v = Reflect.get(target, prop);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}

export default {
  ...worker,
  fetch(req: Request, env: Env, ctx: ExecutionContext) {
    if (new URL(req.url).pathname === "/__bench/groups") return Response.json(sizes);
    // One wrapped env per isolate, so anything cached per binding stays cached.
    if (wrapped?.from !== env) wrapped = { from: env, to: { ...env, DB: counting(env.DB) } };
    return worker.fetch(req, wrapped.to, ctx);
  },
};
