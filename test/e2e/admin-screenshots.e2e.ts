/**
 * Screenshots of the admin page's main screens (docs/screenshots/*.png, shown in docs/ADMIN.md
 * and the README), taken by the test browser from the lead's demo data (scripts/seed/demo.ts). The
 * demo data goes into a Worker of its own (its own `wrangler dev` and local D1), so the other
 * browser tests keep the empty database they expect. Each screen must show real figures, not an
 * empty or error state. The PNGs land in docs/ only with SCREENSHOTS=1 (the demo data follows
 * today's date, so an ordinary test run must not rewrite tracked files); otherwise in a temp dir.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "./browser";
import { DEMO_PASSWORD } from "../../scripts/seed/demo";
import { animationsDone } from "./settle";
import { login } from "./admin-helpers";
import { startDemoWorker, type RunningWorker } from "./worker";

const OUT = process.env.SCREENSHOTS === "1" ? "docs/screenshots" : mkdtempSync(join(tmpdir(), "barometre-shots-"));
const DEMO_ADMIN = "admin@demo.barometre.dev";
const DEMO_MANAGER = "claire@demo.barometre.dev";
let browser: Browser;
let worker: RunningWorker | undefined;
let base = "";

beforeAll(async () => {
  // The demo data, seeded before the Worker starts.
  worker = await startDemoWorker({ ADMIN_API_KEY: "demo-screenshots-key-0123456789" });
  base = worker.base;
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
}, 240_000);
afterAll(async () => {
  await browser?.close();
  await worker?.stop();
});

async function shot(page: Page, name: string, fullPage = true) {
  // Let charts and lazy sections settle: no spinner left on the page.
  await expect.poll(() => page.locator(".loading").count(), { timeout: 20_000 }).toBe(0);
  await page.screenshot({ path: `${OUT}/${name}.png`, fullPage });
}

describe("admin page screenshots (demo data)", () => {
  it("captures the main pages", async () => {
    const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();

    await page.goto(`${base}/admin/login`);
    await page.getByLabel("Email").fill(DEMO_ADMIN);
    await shot(page, "login");
    await login(page, DEMO_ADMIN, DEMO_PASSWORD, base);

    // No grouping in the URL: the demo survey has waves, so the overview is grouped by wave.
    await page.goto(`${base}/admin/?period=24m`);
    await expect.poll(() => page.locator("#f-interval").inputValue()).toBe("wave");
    await expect.poll(() => page.getByTestId("current-score").textContent()).toMatch(/^-?\d+$/);
    await expect.poll(() => page.getByTestId("response-rate").textContent()).toMatch(/\d/);
    await shot(page, "overview");

    // By month the latest month holds a wave's tail: a number, or "Too few answers" below 20.
    await page.goto(`${base}/admin/?period=12m&interval=month`);
    await expect.poll(() => page.getByTestId("current-score").textContent()).toMatch(/^(-?\d+|Too few answers)$/);
    await shot(page, "overview-monthly");

    await page.goto(`${base}/admin/retention?period=24m&interval=quarter`);
    await expect.poll(() => page.getByTestId("pmd").count()).toBe(1);
    await expect.poll(() => page.getByTestId("value-table").count()).toBe(1);
    await shot(page, "retention");
    await page.locator("#value").screenshot({ path: `${OUT}/value.png` });

    await page.goto(`${base}/admin/accounts?status=at_risk`);
    await expect.poll(() => page.getByTestId("accounts-table").locator("tbody tr").count()).toBeGreaterThan(0);
    await shot(page, "accounts");
    await page.getByTestId("accounts-table").locator("tbody tr a").first().click();
    await expect.poll(() => page.getByTestId("account-contacts").locator("tbody tr").count()).toBeGreaterThan(0);
    await shot(page, "account");

    await page.goto(`${base}/admin/comments?category=detractor`);
    await expect.poll(() => page.getByTestId("comments").locator("li.comment").count()).toBeGreaterThan(0);
    await shot(page, "comments", false);

    await page.goto(`${base}/admin/surveys`);
    await page.locator("main table tbody a").first().click();
    await expect.poll(() => page.locator("#embed-snippet").count()).toBe(1);
    // The live preview shows the real widget (built by the widget's part of scripts/build.mjs).
    await page.frameLocator("iframe.preview").getByRole("radiogroup").waitFor({ timeout: 15_000 });
    await animationsDone((await (await page.locator("iframe.preview").elementHandle())!.contentFrame())!); // the widget's entrance
    await shot(page, "survey-editor");

    await page.goto(`${base}/admin/goals`);
    await expect.poll(() => page.locator(".goal").count()).toBeGreaterThan(0);
    await shot(page, "goals");

    await page.goto(`${base}/admin/settings`);
    await expect.poll(() => page.locator("main table tbody tr").count()).toBeGreaterThan(0);
    await shot(page, "settings");

    // The same overview in French.
    await page.getByLabel("Language", { exact: true }).selectOption("fr");
    await page.goto(`${base}/admin/?period=24m`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Vue d'ensemble");
    await expect.poll(() => page.getByTestId("current-score").textContent()).toMatch(/^-?\d+$/);
    await shot(page, "overview-fr");
    await context.close();
  });

  for (const [locale, lang, suffix] of [
    ["en-GB", "en", ""],
    ["fr-FR", "fr", "-fr"],
  ] as const) {
    it(`captures the waves, a contact and the monthly review (${lang})`, async () => {
      const context = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      await login(page, DEMO_ADMIN, DEMO_PASSWORD, base);

      await page.goto(`${base}/admin/waves`);
      await expect.poll(() => page.locator("tr[data-wave]").count()).toBeGreaterThan(1);
      await shot(page, "waves" + suffix);

      // A contact who answered, reached from an account at risk as a manager would.
      await page.goto(`${base}/admin/accounts?status=at_risk`);
      await page.getByTestId("accounts-table").locator("tbody tr a").first().click();
      await expect.poll(() => page.getByTestId("account-contacts").locator("tbody tr").count()).toBeGreaterThan(0);
      await page.getByTestId("account-contacts").locator("tbody tr a").first().click();
      await expect.poll(() => page.getByTestId("contact-answers").locator("tbody tr").count()).toBeGreaterThan(0);
      await shot(page, "contact" + suffix);
      await context.close();

      // The monthly review of a manager: the picker names the month the page reviews.
      const review = await browser.newContext({ locale, viewport: { width: 1440, height: 900 } });
      const mine = await review.newPage();
      await login(mine, DEMO_MANAGER, DEMO_PASSWORD, base);
      await mine.goto(`${base}/admin/digest`);
      await mine.getByTestId("digest").waitFor();
      const now = new Date();
      const reviewed = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
      const ym = reviewed.toISOString().slice(0, 7);
      expect(await mine.locator("#d-month").inputValue()).toBe(ym);
      const name = new Intl.DateTimeFormat(lang, { month: "long", year: "numeric", timeZone: "UTC" }).format(reviewed);
      expect(await mine.locator(".page-head p").textContent()).toContain(name);
      await shot(mine, "digest" + suffix);
      await review.close();
    });
  }

  it("captures a manager's view of their own accounts", async () => {
    const context = await browser.newContext({ locale: "fr-FR", viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await login(page, DEMO_MANAGER, DEMO_PASSWORD, base);
    await page.goto(`${base}/admin/accounts`);
    await expect.poll(() => page.getByTestId("accounts-table").locator("tbody tr").count()).toBeGreaterThan(0);
    await shot(page, "accounts-manager-fr");
    await page.goto(`${base}/admin/settings`);
    await expect.poll(() => page.getByTestId("key-self-hint").count()).toBe(1);
    await shot(page, "settings-manager-fr");
    await context.close();
  });
});
