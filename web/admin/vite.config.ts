import { fileURLToPath } from "node:url";
import preact from "@preact/preset-vite";
import { defineConfig } from "vite";

// The admin page: a Preact SPA served by the Worker under /admin (worker/app.ts falls back to
// index.html for client-side routes). Built by scripts/build.mjs into dist/public/admin.
const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  base: "/admin/",
  plugins: [preact()],
  build: {
    outDir: fileURLToPath(new URL("../../dist/public/admin", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    // The size budget (60 KB brotli of JS on first load) is checked by test/e2e/admin-size.e2e.ts.
    reportCompressedSize: false,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      // preview.html hosts the real widget in the survey editor's sandboxed frame; it is not
      // part of the admin page's first load.
      input: { main: `${root}index.html`, preview: `${root}preview.html` },
    },
  },
});
