/**
 * Settings for the `wrangler dev` the browser tests start. wrangler reads the developer's
 * `.dev.vars` (written by `npm run dev`) unless it is given env files: then it reads only those.
 * So each test Worker gets one env file holding every pinned setting (test/pinned-vars.ts) plus
 * its own; `--var` is not used, because env-file values override `--var` ones.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PINNED_VARS } from "../pinned-vars";

/** The process env for wrangler: no metrics, and no settings taken from this shell either. */
export const wranglerEnv = () => ({ ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true", CLOUDFLARE_INCLUDE_PROCESS_ENV: "false" });

/** Writes `dir/test.env` and returns the `wrangler dev` arguments that load it (and only it). */
export function pinnedVarsArgs(dir: string, vars: Partial<Record<keyof typeof PINNED_VARS, string>>): string[] {
  const file = join(dir, "test.env");
  const all = { ...PINNED_VARS, ...vars };
  writeFileSync(
    file,
    Object.entries(all)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}\n`)
      .join(""),
  );
  return ["--env-file", file];
}
