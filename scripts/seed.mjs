// Demo data on the local D1: `node scripts/seed.mjs [--persist-to DIR] [--out FILE] [--today YYYY-MM-DD]`.
// The seed is TypeScript (scripts/seed/: rows typed by the drizzle schema, the Worker's own rules);
// the Worker's modules import each other without file extensions, which Node's type stripping
// cannot follow, so esbuild bundles the seed first (dependencies stay in node_modules).
import { mkdirSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

const outfile = "node_modules/.cache/barometre-seed/cli.mjs";
mkdirSync("node_modules/.cache/barometre-seed", { recursive: true });
await build({
  entryPoints: ["scripts/seed/cli.ts"],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node22",
  packages: "external",
  logLevel: "warning",
});
await import(pathToFileURL(outfile).href);
