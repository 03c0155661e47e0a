import { defineConfig } from "vitest/config";

// Browser tests: Node drives Debian's Chromium (playwright-core) against a real `wrangler dev`
// serving the built artefacts; see test/e2e/global-setup.ts.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    globalSetup: ["./test/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
