/**
 * Starts one `wrangler dev` for all browser tests, on a free loopback port, with a fresh local D1
 * (migrations applied, no demo data) and a known admin key. Tests read its address with
 * `inject("baseUrl")`.
 */
import type { TestProject } from "vitest/node";
import { startWorker, type RunningWorker } from "./worker";

export const E2E_ADMIN_KEY = "e2e-admin-key-0123456789abcdef";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    adminKey: string;
    persistDir: string;
  }
}

let worker: RunningWorker | undefined;

export async function setup(project: TestProject) {
  worker = await startWorker({ ADMIN_API_KEY: E2E_ADMIN_KEY });
  project.provide("baseUrl", worker.base);
  project.provide("adminKey", E2E_ADMIN_KEY);
  project.provide("persistDir", worker.dir);
}

export async function teardown() {
  await worker?.stop();
}
