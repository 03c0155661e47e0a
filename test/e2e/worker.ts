/**
 * A `wrangler dev` of its own for an e2e file that needs settings the shared one lacks (stub URLs,
 * secrets, the cron endpoint): fresh local D1, 127.0.0.1, a free port.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, waitForHttp } from "./net";
import { pinnedVarsArgs, wranglerEnv } from "./wranglerDev";
import type { PINNED_VARS } from "../pinned-vars";

export interface RunningWorker {
  base: string;
  port: number;
  dir: string;
  stop(): Promise<void>;
}

/**
 * Settings on top of the pinned ones (test/pinned-vars.ts); the developer's .dev.vars is never read.
 * `prepare` runs on the migrated database before the Worker starts (the screenshots seed it).
 */
export async function startWorker(
  vars: Partial<Record<keyof typeof PINNED_VARS, string>>,
  extraArgs: string[] = [],
  prepare?: (dir: string, env: NodeJS.ProcessEnv) => void,
): Promise<RunningWorker> {
  mkdirSync("dist/public", { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), "barometre-worker-"));
  const env = wranglerEnv();
  execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", dir], { env, stdio: "ignore" });
  prepare?.(dir, env);
  const port = await freePort();
  // The inspector too: its default port is shared by every wrangler dev on the machine.
  const inspector = extraArgs.includes("--inspector-port") ? [] : ["--inspector-port", String(await freePort())];
  const child: ChildProcess = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--persist-to",
      dir,
      "--test-scheduled",
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
      ...pinnedVarsArgs(dir, vars),
      ...inspector,
      ...extraArgs,
    ],
    { env, stdio: ["ignore", "inherit", "inherit"], detached: true },
  );
  const base = `http://127.0.0.1:${port}`;
  await waitForHttp(`${base}/api/v1/health`, 90_000);
  return {
    base,
    port,
    dir,
    async stop() {
      if (child.pid) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          /* already gone */
        }
      }
      await new Promise((r) => setTimeout(r, 300));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function callApi(
  base: string,
  key: string,
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* text */
  }
  return { status: res.status, body, headers: res.headers };
}

/** A Worker on the demo data, seeded before it starts as `npm run dev` seeds it (scripts/seed.mjs). */
export const startDemoWorker = (vars: Partial<Record<keyof typeof PINNED_VARS, string>>): Promise<RunningWorker> =>
  startWorker(vars, [], (dir, env) => execFileSync(process.execPath, ["scripts/seed.mjs", "--persist-to", dir], { env, stdio: "ignore" }));
