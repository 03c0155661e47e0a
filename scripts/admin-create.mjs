#!/usr/bin/env node
/**
 * Creates (or resets) an admin who can sign in to the admin page:
 *
 *   npm run admin:create -- --email ann@example.com --password '…' [--name Ann] [--remote]
 *                           [--persist-to DIR] [--database DB]
 *
 * It hashes the password here, in Node, with exactly the Worker's format and parameters
 * (scripts/password.mjs, built on the Worker's worker/auth/passwordFormat.ts: PBKDF2-SHA256,
 * 100,000 iterations, 16-byte salt, 32-byte hash) and
 * runs one INSERT through `wrangler d1 execute` (local D1 by default, --remote for production).
 * If the e-mail exists, that user becomes an enabled admin with the new password: this is also
 * the recovery path for a locked-out workspace (whoever can run wrangler owns the database).
 * With no --password, a one-time password is generated and printed.
 */
import { execFileSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";
import { parseArgs } from "node:util";
import { hashPasswordNode } from "./password.mjs";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    password: { type: "string" },
    name: { type: "string", default: "" },
    remote: { type: "boolean", default: false },
    "persist-to": { type: "string" },
    database: { type: "string", default: "DB" },
    "print-sql": { type: "boolean", default: false },
  },
});

function fail(message) {
  console.error(`admin:create: ${message}`);
  console.error("usage: npm run admin:create -- --email you@example.com --password '…' [--name You] [--remote]");
  process.exit(2);
}

const email = (values.email ?? "").trim().toLowerCase();
if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 320) fail("--email must be an e-mail address");
let password = values.password;
let generated = false;
if (password === undefined) {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  password = Array.from({ length: 20 }, (_, i) => (i && i % 5 === 0 ? "-" : "") + alphabet[randomInt(alphabet.length)]).join("");
  generated = true;
}
if (password.length < 10 || password.length > 256) fail("--password must be 10 to 256 characters");
if (values.name.length > 200) fail("--name is at most 200 characters");

const stored = hashPasswordNode(password);

const crockford = "0123456789abcdefghjkmnpqrstvwxyz";
const id = `usr_${Array.from(randomBytes(16), (b) => crockford[b & 31]).join("")}`;
// SQL literals: single quotes doubled. Every value is also validated above.
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
const sql = `INSERT INTO users (id, email, name, role, password_hash) VALUES (${q(id)}, ${q(email)}, ${q(values.name)}, 'admin', ${q(stored)})
ON CONFLICT(email) DO UPDATE SET role = 'admin', password_hash = excluded.password_hash, disabled_at = NULL,
  name = CASE WHEN excluded.name = '' THEN users.name ELSE excluded.name END,
  updated_at = cast(unixepoch('subsec') * 1000 as integer);
DELETE FROM sessions WHERE user_id = (SELECT id FROM users WHERE email = ${q(email)});`;

if (values["print-sql"]) {
  console.log(sql);
  process.exit(0);
}

const args = ["wrangler", "d1", "execute", values.database, values.remote ? "--remote" : "--local", "--command", sql];
if (values["persist-to"]) args.push("--persist-to", values["persist-to"]);
if (values.remote) args.push("--yes");
try {
  execFileSync("npx", args, { stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, WRANGLER_SEND_METRICS: "false" } });
} catch {
  fail(`wrangler d1 execute failed (is the database migrated? try: npm run db:migrate:${values.remote ? "remote" : "local"})`);
}
console.log(`Admin ${email} is ready${values.remote ? " (remote D1)" : " (local D1)"}.`);
if (generated) console.log(`One-time password: ${password}\nSign in and change it (POST /api/v1/auth/password, or the admin page).`);
