// Builds the browser artefacts the Worker serves. Each part registers itself in PARTS; the
// output lands in dist/public, which wrangler.toml serves through the ASSETS binding.
import { mkdirSync } from "node:fs";

mkdirSync("dist/public", { recursive: true });
const PARTS = [
  // The admin page (Preact + Vite) into dist/public/admin, served under /admin.
  async function admin() {
    const { build } = await import("vite");
    await build({ configFile: "web/admin/vite.config.ts", logLevel: "warn" });
  },
];
for (const part of PARTS) await part();
