// `npm run dev`: a working Baromètre on this machine in one command.
//  1. writes .dev.vars with fresh random secrets when it is missing;
//  2. builds the browser artefacts (widget, admin page);
//  3. applies the migrations to the local D1;
//  4. seeds demo data when the local database is empty;
//  5. starts `wrangler dev` on 127.0.0.1:8787 and says where to look.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false" };
const run = (cmd, args, opts = {}) => execFileSync(cmd, args, { stdio: "inherit", env, ...opts });
const PORT = process.env.PORT ?? "8787";

// Local settings and secrets; any that are missing are added with fresh random values, and
// existing ones are kept, so a rerun never logs you out of your own API key.
const wanted = {
  ADMIN_API_KEY: () => `bm_admin_${randomBytes(24).toString("hex")}`,
  EMAIL_WEBHOOK_SECRET: () => randomBytes(24).toString("hex"),
  PUBLIC_URL: () => `http://127.0.0.1:${PORT}`,
};
let vars = existsSync(".dev.vars") ? readFileSync(".dev.vars", "utf8") : "# Local settings for wrangler dev (never commit this file).\n";
const added = [];
for (const [name, make] of Object.entries(wanted)) {
  if (new RegExp(`^${name}=`, "m").test(vars)) continue;
  vars += `${vars.endsWith("\n") ? "" : "\n"}${name}=${make()}\n`;
  added.push(name);
}
if (added.length) {
  writeFileSync(".dev.vars", vars);
  console.log(`.dev.vars: added ${added.join(", ")}.`);
}
const adminKey = /^ADMIN_API_KEY=(.+)$/m.exec(readFileSync(".dev.vars", "utf8"))?.[1]?.trim();

run("node", ["scripts/build.mjs"]);
run("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local"], { stdio: ["ignore", "ignore", "inherit"] });

const out = execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--json", "--command", "SELECT count(*) AS n FROM surveys"], {
  env,
  encoding: "utf8",
  stdio: ["ignore", "pipe", "ignore"],
});
const surveys = JSON.parse(out)[0]?.results?.[0]?.n ?? 0;
let seeded = false;
if (surveys === 0) {
  run("node", ["scripts/seed.mjs"]);
  seeded = true;
}

const base = `http://127.0.0.1:${PORT}`;
console.log(`
  Baromètre is starting on ${base}
    Admin page   ${base}/admin/   (demo users: admin@demo.barometre.dev, claire@demo.barometre.dev … / demo-password-2026)
    API          ${base}/api/v1/   (Authorization: Bearer ${adminKey})
    OpenAPI      ${base}/api/v1/openapi.json
    Widget       ${base}/embed.js   · link survey ${base}/s/srv_demonpsbarometre
    ${seeded ? "Demo data seeded (two years of biannual waves)." : "Existing local data kept (delete .wrangler/state to start over)."}
`);
const dev = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", PORT, "--show-interactive-dev-session=false"], {
  stdio: "inherit",
  env,
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => dev.kill(sig));
dev.on("exit", (code) => process.exit(code ?? 0));
