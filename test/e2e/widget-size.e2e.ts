/**
 * The widget's weight budget: what every customer's page downloads must stay under 4,096 bytes
 * brotli (docs/BENCHMARKS.md, "Widget weight"). Reads the artefact `npm run build` produced.
 */
import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { weigh } from "../../scripts/build.mjs";

const FILE = "dist/public/embed.js";

describe("widget size", () => {
  it("is one self-contained script under 4,096 bytes brotli", () => {
    expect(existsSync(FILE), `${FILE} is missing: run npm run build`).toBe(true);
    const w = weigh(FILE);
    console.log(`embed.js: ${w.raw} B raw, ${w.gzip} B gzip, ${w.brotli} B brotli`);
    expect(w.brotli).toBeLessThanOrEqual(4096);
    const code = readFileSync(FILE, "utf8");
    // No module syntax or loader calls: one classic script, nothing else fetched.
    expect(code).not.toMatch(/\bimport\s*\(|\bimport\s+[\w{*]|\brequire\(|\bexport\s/);
  });
});
