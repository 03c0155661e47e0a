/**
 * `node scripts/seed.mjs [--persist-to DIR] [--out FILE] [--today YYYY-MM-DD] [--time-zone TZ]`:
 * builds the demo seed (scripts/seed/demo.ts), writes it as one SQL file and applies it with
 * `wrangler d1 execute DB --local`. The rollup and follow-up triggers do the rest as rows land.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { drizzle } from "drizzle-orm/sqlite-proxy";
import { hashPasswordNode } from "../password.mjs";
import { buildDemoSeed, DEMO_PASSWORD, describeSeed } from "./demo";
import { seedStatements } from "./statements";

const { values: args } = parseArgs({
  options: {
    "persist-to": { type: "string" },
    out: { type: "string" },
    today: { type: "string" },
    "time-zone": { type: "string", default: "UTC" },
  },
});

/** A bound value as an SQL literal: the file goes to `wrangler d1 execute`, which binds nothing. */
function literal(v: unknown): string {
  if (v === null || v === undefined) return "NULL";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "NULL";
  if (typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "1" : "0";
  return `'${String(v).replaceAll("'", "''")}'`;
}

/** Drizzle's SQL with its `?` placeholders replaced by literals (our identifiers never hold a `?`). */
function inline({ sql, params }: { sql: string; params: unknown[] }): string {
  let i = 0;
  const out = sql.replace(/\?/g, () => literal(params[i++]));
  if (i !== params.length) throw new Error(`seed: ${params.length} parameters for ${i} placeholders`);
  return `${out};`;
}

// The Worker's hash format (scripts/password.mjs); one hash for every demo user.
const seed = buildDemoSeed({
  today: args.today ? Date.parse(`${args.today}T12:00:00Z`) : Date.now(),
  timeZone: args["time-zone"]!,
  passwordHash: hashPasswordNode(DEMO_PASSWORD),
});
// A driver that never runs anything: the statements are only turned into SQL text.
const db = drizzle(async () => {
  throw new Error("seed: statements are written to a file, not run");
});
const text = seedStatements(db, seed)
  .map((q) => inline(q.toSQL()))
  .join("\n");
const out = args.out ?? join(mkdtempSync(join(tmpdir(), "barometre-seed-")), "seed.sql");
writeFileSync(out, text);
if (!args.out || args["persist-to"]) {
  const wranglerArgs = ["wrangler", "d1", "execute", "DB", "--local", "--file", out];
  if (args["persist-to"]) wranglerArgs.push("--persist-to", args["persist-to"]);
  execFileSync("npx", wranglerArgs, { stdio: "ignore", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
}
console.log(`Seeded ${describeSeed(seed)}.`);
