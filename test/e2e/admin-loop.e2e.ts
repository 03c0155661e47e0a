/**
 * Close the loop in Chromium against the real Worker and the built admin page: a silent detractor
 * becomes a follow-up item owned by the account's manager, who takes it, resolves it and finds it
 * under "Owner: me"; an overdue item is flagged and counted; the comments export holds the rows
 * on screen.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { adminApi } from "./api";
import { launchBrowser } from "./browser";
import { answer, createSurvey, createUser, login, parseCsv, upsertAccounts } from "./admin-helpers";

let browser: Browser;
const base = () => inject("baseUrl");
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function newPage(locale = "en-GB"): Promise<Page> {
  const context = await browser.newContext({ locale, viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return page;
}

/** Writes straight into the e2e Worker's local D1 (to age an item past its due day). */
function sql(command: string) {
  execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", inject("persistDir"), "--command", command], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    stdio: "ignore",
  });
}

describe("close the loop", () => {
  it("a silent detractor reaches its manager, who takes it, resolves it and finds it under Owner: me", async () => {
    const manager = await createUser("manager", "Mia");
    const survey = await createSurvey(`Loop ${suffix}`);
    await upsertAccounts([{ externalId: `LOOP-${suffix}`, name: `Quiet Co ${suffix}`, segment: "smb", managerUserId: manager.id }]);
    const silent = await answer(survey.id, 3, `LOOP-${suffix}`);
    await answer(survey.id, 10, `LOOP-${suffix}`); // a silent promoter is not a to-do

    const page = await newPage();
    await page.goto(`${base()}/admin/comments?survey=${survey.id}`);
    await page.waitForURL(/\/admin\/login/);
    await login(page, manager.email);
    const item = page.locator(`li[data-response="${silent.id}"]`);
    await expect.poll(() => item.textContent()).toContain("(no comment)");
    expect(await page.locator("li.comment").count()).toBe(1);
    // Assigned to the account's manager, by name, with a due day.
    expect(await item.getByTestId("owner").textContent()).toContain(manager.name);
    expect(await item.locator("summary").textContent()).toMatch(/Due /);

    // Let go (through the API, as an admin would), then taken back from the page.
    expect((await adminApi(`/api/v1/followups/${silent.id}`, { method: "PATCH", body: { ownerUserId: null } })).status).toBe(200);
    await page.reload();
    await expect.poll(() => item.getByTestId("owner").count()).toBe(0);
    await item.getByRole("button", { name: "Take it" }).click();
    await expect.poll(() => item.getByTestId("owner").textContent()).toContain(manager.name);

    await item.getByLabel("Follow-up status").selectOption("resolved");
    await expect.poll(async () => (await adminApi(`/api/v1/followups/${silent.id}`)).body.status).toBe("resolved");

    await page.getByLabel("Owner", { exact: true }).first().selectOption("me");
    await expect.poll(() => new URL(page.url()).searchParams.get("owner")).toBe("me");
    await expect.poll(() => page.locator("li.comment").count()).toBe(1);
    expect(await page.locator(`li[data-response="${silent.id}"]`).count()).toBe(1);
    expect((await adminApi(`/api/v1/followups/${silent.id}`)).body).toMatchObject({ status: "resolved", ownerUserId: manager.id });
    await page.context().close();
  });

  it("an overdue item is flagged, counted and filtered; the export follows the filters on screen", async () => {
    const manager = await createUser("manager", "Oda");
    const survey = await createSurvey(`Late ${suffix}`);
    await upsertAccounts([{ externalId: `LATE-${suffix}`, name: `Late Co ${suffix}`, segment: "smb", managerUserId: manager.id }]);
    const late = await answer(survey.id, 1, `LATE-${suffix}`, "Still waiting for a call");
    const fresh = await answer(survey.id, 4, `LATE-${suffix}`, "Slow");
    await answer(survey.id, 9, `LATE-${suffix}`, "Great");
    sql(`UPDATE followups SET due_on = '2021-03-01' WHERE response_id = '${late.id}'`);

    const page = await newPage();
    await page.goto(`${base()}/admin/comments?survey=${survey.id}`);
    await page.waitForURL(/\/admin\/login/);
    await login(page, manager.email);
    const item = page.locator(`li[data-response="${late.id}"]`);
    await expect.poll(() => item.locator("summary").textContent()).toContain("Overdue");
    expect(await page.locator(`li[data-response="${fresh.id}"] summary`).textContent()).not.toContain("Overdue");
    await expect.poll(() => page.getByTestId("followup-summary").textContent()).toContain("2 open follow-ups · 1 overdue");

    await page.getByLabel("Deadline").selectOption("1");
    await expect.poll(() => page.locator("li.comment").count()).toBe(1);
    const shown = await page.locator("li.comment").evaluateAll((els) => els.map((e) => e.getAttribute("data-response")));
    expect(shown).toEqual([late.id]);

    // The export link carries every filter on screen, and its rows are the rows shown.
    const href = await page.getByRole("link", { name: /Export CSV/ }).getAttribute("href");
    expect(href).toContain("overdue=1");
    const csv = await page.evaluate(async (url) => (await fetch(url!, { credentials: "same-origin" })).text(), href);
    const rows = parseCsv(csv.replace(/^\uFEFF/, "")).filter((r) => r.length > 1);
    const idCol = rows[0]!.indexOf("response_id");
    expect(rows.slice(1).map((r) => r[idCol])).toEqual(shown);
    await page.context().close();
  });

  for (const [locale, title, bins, silentLine] of [
    [
      "en-GB",
      "Monthly review",
      ["Works", "Could do better", "Costs more than it is worth"],
      /1 new detractors? last month \(1 without a comment\)|new detractors last month/,
    ],
    ["fr-FR", "Revue mensuelle", ["Ce qui marche", "Peut mieux faire", "Coûte plus que ça ne rapporte"], /nouveaux détracteurs le mois dernier/],
  ] as const) {
    it(`shows a manager their monthly review (${locale})`, async () => {
      const manager = await createUser("manager", "Rev");
      const survey = await createSurvey(`Review ${locale} ${suffix}`);
      const ext = `REV-${locale}-${suffix}`;
      await upsertAccounts([{ externalId: ext, name: `Review Co ${locale} ${suffix}`, segment: "smb", managerUserId: manager.id }]);
      await answer(survey.id, 2, ext);
      const page = await newPage(locale);
      await page.goto(`${base()}/admin/digest`);
      await page.waitForURL(/\/admin\/login/);
      await login(page, manager.email);
      await page.waitForURL(/\/admin\/digest/);
      await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(title);
      await page.getByTestId("digest").waitFor();
      for (const b of bins) expect(await page.getByTestId("digest").textContent()).toContain(b);
      expect(await page.getByTestId("digest-detractors").textContent()).toMatch(silentLine);
      // The follow-ups of this manager's book only: the one open item of the answer above.
      expect(await page.getByTestId("digest-followups").textContent()).toMatch(/^1 /);
      // Opting out of the e-mail, from the page.
      await page.getByRole("checkbox").uncheck();
      await expect
        .poll(async () => (await adminApi(`/api/v1/users`)).body.data.find((u: { id: string }) => u.id === manager.id)?.digestOptOut)
        .toBe(true);
      await page.context().close();
    });
  }
});
