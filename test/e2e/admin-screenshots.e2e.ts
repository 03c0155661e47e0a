/**
 * Screenshots of the admin page's main screens (docs/screenshots/*.png, shown in docs/ADMIN.md
 * and the README), taken by the test browser from the lead's demo data (scripts/seed.mjs, written
 * into this run's local D1). Each screen must show real figures, not an empty or error state.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { adminApi } from "./api";
import { launchBrowser } from "./browser";
import { login } from "./admin-helpers";

const OUT = "docs/screenshots";
const DEMO_ADMIN = "admin@demo.barometre.dev";
const DEMO_MANAGER = "claire@demo.barometre.dev";
const DEMO_PASSWORD = "demo-password-2026";
let browser: Browser;

beforeAll(async () => {
  const users = await adminApi("/api/v1/users");
  if (!users.body.data.some((u: { email: string }) => u.email === DEMO_ADMIN)) {
    execFileSync(process.execPath, ["scripts/seed.mjs", "--persist-to", inject("persistDir")], {
      stdio: "ignore",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
  }
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
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
    const base = inject("baseUrl");

    await page.goto(`${base}/admin/login`);
    await page.getByLabel("Email").fill(DEMO_ADMIN);
    await shot(page, "login");
    await login(page, DEMO_ADMIN, DEMO_PASSWORD);

    await page.goto(`${base}/admin/?period=24m&interval=half`);
    await expect.poll(() => page.getByTestId("current-score").textContent()).toMatch(/^-?\d+$/);
    await expect.poll(() => page.getByTestId("response-rate").textContent()).toMatch(/\d/);
    await shot(page, "overview");

    await page.goto(`${base}/admin/?period=12m&interval=month`);
    await expect.poll(() => page.getByTestId("current-score").textContent()).toMatch(/^-?\d+$/);
    await shot(page, "overview-monthly");

    await page.goto(`${base}/admin/retention?period=24m&interval=quarter`);
    await expect.poll(() => page.getByTestId("pmd").count()).toBe(1);
    await shot(page, "retention");

    await page.goto(`${base}/admin/accounts?status=at_risk`);
    await expect.poll(() => page.getByTestId("accounts-table").locator("tbody tr").count()).toBeGreaterThan(0);
    await shot(page, "accounts");
    await page.getByTestId("accounts-table").locator("tbody tr a").first().click();
    await expect.poll(() => page.locator(".contact-list li").count()).toBeGreaterThan(0);
    await shot(page, "account");

    await page.goto(`${base}/admin/comments?category=detractor`);
    await expect.poll(() => page.getByTestId("comments").locator("li.comment").count()).toBeGreaterThan(0);
    await shot(page, "comments", false);

    await page.goto(`${base}/admin/surveys`);
    await page.locator("main table tbody a").first().click();
    await expect.poll(() => page.locator("#embed-snippet").count()).toBe(1);
    await shot(page, "survey-editor");

    await page.goto(`${base}/admin/goals`);
    await expect.poll(() => page.locator(".goal").count()).toBeGreaterThan(0);
    await shot(page, "goals");

    await page.goto(`${base}/admin/settings`);
    await expect.poll(() => page.locator("main table tbody tr").count()).toBeGreaterThan(0);
    await shot(page, "settings");

    // The same overview in French.
    await page.getByLabel("Language").selectOption("fr");
    await page.goto(`${base}/admin/?period=24m&interval=half`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Vue d'ensemble");
    await expect.poll(() => page.getByTestId("current-score").textContent()).toMatch(/^-?\d+$/);
    await shot(page, "overview-fr");
    await context.close();
  });

  it("captures a manager's view of their own accounts", async () => {
    const context = await browser.newContext({ locale: "fr-FR", viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    await login(page, DEMO_MANAGER, DEMO_PASSWORD);
    await page.goto(`${inject("baseUrl")}/admin/accounts`);
    await expect.poll(() => page.getByTestId("accounts-table").locator("tbody tr").count()).toBeGreaterThan(0);
    await shot(page, "accounts-manager-fr");
    await context.close();
  });
});
