import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// wrangler.toml's [assets] folder must exist even before the first `npm run build`.
mkdirSync("dist/public", { recursive: true });
const migrations = await readD1Migrations(fileURLToPath(new URL("./migrations", import.meta.url)));

// Every test runs in workerd against a real (local) D1 with the real migrations applied.
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          TEST_MIGRATIONS: migrations,
          ADMIN_API_KEY: "test-admin-key-0123456789abcdef",
          TIMEZONE: "UTC",
          // Webhook tests deliver to stub receivers on http://127.0.0.1 (never allowed in production).
          ALLOW_LOCAL_DELIVERY_URLS: "true",
          // This suite pins the direct delivery path and its cron retry schedule; the queue path
          // (wrangler.toml's queues) runs against wrangler dev in test/e2e/webhooks-queue.e2e.ts.
          WEBHOOK_DELIVERY: "direct",
        },
      },
    }),
  ],
  test: {
    include: ["test/unit/**/*.test.ts", "test/api/**/*.test.ts"],
    setupFiles: ["./test/setup.ts"],
  },
});
