/**
 * The admin page's history import in Chromium against the real Worker: a spreadsheet whose
 * headers the server would not guess, mapped column by column in the page, imported with its
 * dates; the per-row report; a second import adds nothing; the trend shows the months.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { adminApi } from "./api";
import { launchBrowser } from "./browser";
import { createSurvey, createUser, login } from "./admin-helpers";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The import runs on a shared, loaded machine: give the report time to arrive. */
const WAIT = { timeout: 15_000, interval: 100 };

const CSV = [
  "Courriel,Note,Verbatim,Jour,Offre",
  "h1@history.test,10,Parfait,2024-10-03,pro",
  "h2@history.test,4,Trop lent,2024-10-20,basic",
  "h3@history.test,9,,2024-11-05,pro",
  "h4@history.test,onze,?,2024-11-06,pro",
].join("\n");

describe("history import in the admin page", () => {
  it("maps the columns, imports with the original dates, reports the bad row, and adds nothing the second time", async () => {
    const admin = await createUser("admin");
    const survey = await createSurvey(`History ${Math.random().toString(36).slice(2, 8)}`);
    const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    page.on("pageerror", (e) => console.error("page error:", e.message));
    await login(page, admin.email);
    await page.goto(`${inject("baseUrl")}/admin/settings`);
    const form = page.getByRole("form", { name: "Import answers from another tool" });
    await form.getByLabel("Into survey").selectOption(survey.id);
    await form.getByLabel("From").selectOption("generic");
    await form.getByLabel(/^File/).setInputFiles({ name: "history.csv", mimeType: "text/csv", buffer: Buffer.from(CSV) });
    for (const [col, role] of [
      ["Courriel", "email"],
      ["Note", "score"],
      ["Verbatim", "comment"],
      ["Jour", "date"],
      ["Offre", "a property"],
    ]) {
      await form.getByLabel(`Holds ${col}`).selectOption({ label: role });
    }
    await form.getByRole("button", { name: "Import" }).click();
    await expect
      .poll(() => page.getByRole("status").filter({ hasText: "valid rows" }).textContent(), WAIT)
      .toContain("3 valid rows: 3 answers added, 0 already there; 1 rows with errors.");
    await expect.poll(() => page.getByText("Row 5").textContent(), WAIT).toContain("invalid_score");

    await form.getByRole("button", { name: "Import" }).click();
    await expect
      .poll(() => page.getByRole("status").filter({ hasText: "valid rows" }).textContent(), WAIT)
      .toContain("0 answers added, 3 already there");

    // October: 10 and 4 → NPS 0; November: 9 → 100 (one answer per contact per month).
    const m = await adminApi(`/api/v1/surveys/${survey.id}/metrics?from=2024-10-01&to=2024-12-01&interval=month`);
    expect(m.body.trend.map((p: any) => [p.label, p.summary.n, p.summary.nps])).toEqual([
      ["2024-10", 2, 0],
      ["2024-11", 1, 100],
    ]);
    await context.close();
  });
});
