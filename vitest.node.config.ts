import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests that need Node rather than workerd: the OpenAPI schema validator compiles its schemas with
// `new Function` (ajv), which workerd forbids. They import the app itself, no bindings needed.
export default defineConfig({
  resolve: {
    alias: { "cloudflare:workers": fileURLToPath(new URL("./test/node/cloudflare-workers.stub.ts", import.meta.url)) },
  },
  test: { include: ["test/node/**/*.test.ts"], environment: "node" },
});
