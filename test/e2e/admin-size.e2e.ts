/**
 * Size budget: the JavaScript the admin page downloads on first load (charts included) must stay
 * under 60 KB brotli (ANCHORS.md). Measured on what Chromium actually requests when opening
 * /admin/, each file compressed with brotli at quality 11 as a CDN would serve it.
 *   npx vitest run --config vitest.e2e.config.ts test/e2e/admin-size.e2e.ts
 */
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { describe, expect, inject, it } from "vitest";
import { launchBrowser } from "./browser";

const BUDGET = 60 * 1024;

describe("admin page size", () => {
  it(`loads under ${BUDGET} bytes of brotli JavaScript`, async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const scripts: string[] = [];
      page.on("request", (r) => {
        if (r.resourceType() === "script") scripts.push(new URL(r.url()).pathname);
      });
      await page.goto(`${inject("baseUrl")}/admin/`, { waitUntil: "networkidle" });
      await page.getByRole("button", { name: /Sign in|Se connecter/ }).waitFor();
      expect(scripts.length).toBeGreaterThan(0);
      let raw = 0;
      let gzip = 0;
      let brotli = 0;
      for (const path of new Set(scripts)) {
        expect(path.startsWith("/admin/"), `script from outside the admin build: ${path}`).toBe(true);
        const bytes = readFileSync(`dist/public${path}`);
        raw += bytes.length;
        gzip += gzipSync(bytes, { level: 9 }).length;
        brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
      }
      console.log(`admin first-load JS: ${new Set(scripts).size} file(s), ${raw} B raw, ${gzip} B gzip, ${brotli} B brotli (budget ${BUDGET})`);
      expect(brotli).toBeLessThan(BUDGET);
    } finally {
      await browser.close();
    }
  });
});
