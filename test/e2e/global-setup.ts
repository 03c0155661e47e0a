/**
 * Starts one `wrangler dev` for all browser tests, on a free loopback port, with a fresh local D1
 * (migrations applied, no demo data) and a known admin key. Tests read its address with
 * `inject("baseUrl")`.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { freePort, waitForHttp } from "./net";
import { pinnedVarsArgs, wranglerEnv } from "./wranglerDev";

export const E2E_ADMIN_KEY = "e2e-admin-key-0123456789abcdef";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminKey: string;
    persistDir: string;
  }
}

let child: ChildProcess | undefined;
let dir: string | undefined;

export async function setup(project: TestProject) {
  dir = mkdtempSync(join(tmpdir(), "barometre-e2e-"));
  const env = wranglerEnv();
  execFileSync("npx", ["wrangler", "d1", "migrations", "apply", "DB", "--local", "--persist-to", dir], {
    env,
    stdio: "ignore",
  });
  const port = await freePort();
  child = spawn(
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
      ...pinnedVarsArgs(dir, { ADMIN_API_KEY: E2E_ADMIN_KEY }),
      "--show-interactive-dev-session=false",
      "--log-level",
      "warn",
    ],
    { env, stdio: ["ignore", "inherit", "inherit"], detached: true },
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/api/v1/health`, 90_000);
  project.provide("baseUrl", baseUrl);
  project.provide("adminKey", E2E_ADMIN_KEY);
  project.provide("persistDir", dir);
}

export async function teardown() {
  if (child?.pid) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
}
