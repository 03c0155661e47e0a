/**
 * The monthly review of a past month in the built admin page, in English and French, on the demo
 * data (a Worker of its own, as admin-screenshots.e2e.ts): the page says its figures stand at the
 * month's end and that follow-ups and accounts at risk are today's ("as of <date>"), and the
 * at-risk list shows "n of total" with a link to the Accounts page filtered to at risk. The
 * current month's review has no such line. Screenshots land in a temp dir (docs/screenshots with
 * SCREENSHOTS=1), to be looked at.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/seed/demo";
import { login } from "./admin-helpers";
import { launchBrowser } from "./browser";
import { startDemoWorker, type RunningWorker } from "./worker";

const OUT = process.env.SCREENSHOTS === "1" ? "docs/screenshots" : mkdtempSync(join(tmpdir(), "barometre-review-"));
const DEMO_MANAGER = "claire@demo.barometre.dev";
let browser: Browser;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  worker = await startDemoWorker({ ADMIN_API_KEY: "demo-review-key-0123456789abcdef" });
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

/** `YYYY-MM`, `k` months before this one (UTC: the demo's workspace zone). */
const monthsAgo = (k: number) => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - k, 1)).toISOString().slice(0, 7);
};

describe("the monthly review of a past month", () => {
  for (const [locale, lang, asOf, of, all] of [
    [
      "en-GB",
      "en",
      /^The review of \w+ \d{4} as it stood at the end of the month\. .* as of (\d{1,2} \w+ \d{4}|\w+ \d{1,2}, \d{4}): what to act on now\.$/,
      /^(?:(\d+) of (\d+) accounts at risk|Accounts at risk: ()(\d+))\. See them all$/,
      "See them all",
    ],
    [
      "fr-FR",
      "fr",
      /^La revue de \S+ \d{4} telle qu'elle se présentait à la fin du mois\. .* au \d{1,2} \S+ \d{4} : ce qu'il faut traiter maintenant\.$/,
      /^(?:(\d+) sur (\d+) comptes à risque|Comptes à risque : ()(\d+))\. Les voir tous$/,
      "Les voir tous",
    ],
  ] as const) {
    it(`says what is as of the month's end and what is as of today (${lang})`, async () => {
      const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await login(page, DEMO_MANAGER, DEMO_PASSWORD, worker!.base);

      // The edition of three months ago reviews the month before it.
      const edition = monthsAgo(3);
      const res = page.waitForResponse((r) => r.url().includes("/api/v1/digest?month=" + edition));
      await page.goto(`${worker!.base}/admin/digest?month=${edition}`);
      const body = await (await res).json();
      await page.getByTestId("digest").waitFor();
      expect(body.past).toBe(true);
      expect(await page.locator("#d-month").inputValue()).toBe(monthsAgo(4));
      expect(await page.getByTestId("digest-as-of").textContent()).toMatch(asOf);
      // The demo's manager has accounts at risk: the list, its total, and the filtered list.
      expect(body.atRisk.length).toBeGreaterThan(0);
      const total = (await page.getByTestId("digest-at-risk-total").textContent())!.replace(/\s+/g, " ").trim();
      // "n of total" when the list stops short of the total, else the total alone.
      const [, shown, of_, , alone] = of.exec(total) ?? [];
      if (body.atRiskTotal > body.atRisk.length) {
        expect(Number(shown)).toBe(body.atRisk.length);
        expect(Number(of_)).toBe(body.atRiskTotal);
      } else expect(Number(alone)).toBe(body.atRiskTotal);
      // The month's new detractors are named by the month, not "last month".
      expect(await page.getByTestId("digest-detractors").textContent()).toContain(
        new Intl.DateTimeFormat(lang, { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${monthsAgo(4)}-01T00:00:00Z`)),
      );
      expect(await page.getByTestId("digest-at-risk-total").getByRole("link", { name: all }).getAttribute("href")).toBe(
        "/admin/accounts?status=at_risk",
      );
      await expect.poll(() => page.locator(".loading").count(), { timeout: 20_000 }).toBe(0);
      await page.screenshot({ path: `${OUT}/digest-past-${lang}.png`, fullPage: true });

      // The link opens the Accounts page filtered to at risk.
      await page.getByTestId("digest-at-risk-total").getByRole("link", { name: all }).click();
      await page.waitForURL(/\/admin\/accounts\?status=at_risk/);
      expect(await page.locator("#a-status").inputValue()).toBe("at_risk");

      // This month's edition: no "as of" line.
      await page.goto(`${worker!.base}/admin/digest`);
      await page.getByTestId("digest").waitFor();
      expect(await page.getByTestId("digest-as-of").count()).toBe(0);
      await context.close();
    });
  }
});
