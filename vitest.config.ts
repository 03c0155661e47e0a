import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { PINNED_VARS } from "./test/pinned-vars.ts";

// wrangler.toml's [assets] folder must exist even before the first `npm run build`.
mkdirSync("dist/public", { recursive: true });
const migrations = await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url)));

// Every test runs in workerd against a real (local) D1 with the real migrations applied.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // Every setting pinned: these override the developer's .dev.vars (see test/pinned-vars.ts).
        bindings: { ...PINNED_VARS, TEST_MIGRATIONS: migrations },
      },
    }),
  ],
  test: {
    include: ["test/unit/**/*.test.ts", "test/api/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
    // Some tests make hundreds of real writes or PBKDF2 hashes (100,000 rounds each); on a busy
    // 2-core machine they passed in 3 s alone and hit the 5 s default under load. No test
    // asserts a duration, so a roomier limit hides nothing.
    testTimeout: 20_000,
  },
});
