/**
 * The Accounts page sorted by its column headers, in Chromium against the real Worker and the
 * built admin page: a click sorts on the server (the `sort` query in the URL, `aria-sort` on the
 * header, on the sorted column only), a second click turns the direction, empty scores stay last, and a reload keeps the order.
 */
import { expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { answer, createSurvey, createUser, englishPage, login, sharedBrowser, upsertAccounts } from "./admin-helpers";

const browser = sharedBrowser();
const suffix = Math.random().toString(36).slice(2, 8);

/** The account names in the table, in order. */
const names = (page: Page) => page.locator('[data-testid="accounts-table"] tbody tr td:first-child').allTextContents();

it("sorts the accounts list by score and MRR through the column headers, the order in the URL", async () => {
  const admin = await createUser("admin", "Sorter");
  const survey = await createSurvey(`Sort ${suffix}`);
  const segment = `sort-${suffix}`;
  const rows = [
    { externalId: `S1-${suffix}`, name: `Sort A ${suffix}`, mrrCents: 30_000, score: 9 },
    { externalId: `S2-${suffix}`, name: `Sort B ${suffix}`, mrrCents: 10_000, score: 3 },
    { externalId: `S3-${suffix}`, name: `Sort C ${suffix}`, mrrCents: 20_000, score: null },
    { externalId: `S4-${suffix}`, name: `Sort D ${suffix}`, mrrCents: 40_000, score: 7 },
  ];
  await upsertAccounts(rows.map(({ score: _, ...r }) => ({ ...r, segment, managerUserId: null })));
  for (const r of rows) if (r.score !== null) await answer(survey.id, r.score, r.externalId);

  const page = await englishPage(browser());
  await page.goto(`${inject("baseUrl")}/admin/login?next=${encodeURIComponent(`/admin/accounts?segment=${segment}`)}`);
  await login(page, admin.email);
  await page.getByTestId("accounts-table").waitFor();
  expect(await names(page)).toEqual(rows.map((r) => r.name));
  const score = page.getByRole("columnheader", { name: /Last score/i });
  expect(await score.getAttribute("aria-sort")).toBeNull();
  expect(await page.getByRole("columnheader", { name: /Account/i }).getAttribute("aria-sort")).toBe("ascending");

  await score.getByRole("button").click();
  await page.waitForURL((u) => u.searchParams.get("sort") === "score");
  await expect.poll(() => names(page)).toEqual([`Sort B ${suffix}`, `Sort D ${suffix}`, `Sort A ${suffix}`, `Sort C ${suffix}`]);
  expect(await score.getAttribute("aria-sort")).toBe("ascending");

  await score.getByRole("button").click();
  await page.waitForURL((u) => u.searchParams.get("sort") === "-score");
  // Descending, the account without answers still last.
  await expect.poll(() => names(page)).toEqual([`Sort A ${suffix}`, `Sort D ${suffix}`, `Sort B ${suffix}`, `Sort C ${suffix}`]);
  expect(await score.getAttribute("aria-sort")).toBe("descending");

  await page.getByRole("columnheader", { name: /MRR/i }).getByRole("button").click();
  await page.waitForURL((u) => u.searchParams.get("sort") === "mrr");
  await expect.poll(() => names(page)).toEqual([`Sort B ${suffix}`, `Sort C ${suffix}`, `Sort A ${suffix}`, `Sort D ${suffix}`]);

  await page.reload();
  await page.getByTestId("accounts-table").waitFor();
  await expect.poll(() => names(page)).toEqual([`Sort B ${suffix}`, `Sort C ${suffix}`, `Sort A ${suffix}`, `Sort D ${suffix}`]);
  expect(await page.getByRole("columnheader", { name: /MRR/i }).getAttribute("aria-sort")).toBe("ascending");
});
