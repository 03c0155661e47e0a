// Builds the browser artefacts the Worker serves from dist/public. Each part registers itself in
// PARTS (the admin page adds its own).
import { mkdirSync, readFileSync } from "node:fs";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { build } from "esbuild";

mkdirSync("dist/public", { recursive: true });

/** Gzip and brotli at their highest levels, as a CDN serves a static file. */
export function weigh(file) {
  const raw = readFileSync(file);
  return {
    raw: raw.length,
    gzip: gzipSync(raw, { level: 9 }).length,
    brotli: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

// The widget (web/embed) and the link page's script (web/survey): one minified IIFE each, no
// runtime dependencies, for the browsers of the last few years.
const browserScript = (entry, outfile) => async () => {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    minify: true,
    format: "iife",
    target: ["chrome100", "firefox100", "safari15"],
    legalComments: "none",
    logLevel: "warning",
  });
  const w = weigh(outfile);
  console.log(`${outfile}: ${w.raw} B raw, ${w.gzip} B gzip, ${w.brotli} B brotli`);
};

const PARTS = [
  browserScript("web/embed/index.ts", "dist/public/embed.js"),
  browserScript("web/survey/survey.ts", "dist/public/survey.js"),
  // The admin page (Preact + Vite) into dist/public/admin, served under /admin.
  async function admin() {
    const { build: vite } = await import("vite");
    await vite({ configFile: "web/admin/vite.config.ts", logLevel: "warn" });
  },
];
if (process.argv[1]?.endsWith("build.mjs")) for (const part of PARTS) await part();
