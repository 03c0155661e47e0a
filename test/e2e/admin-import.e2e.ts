/**
 * The CSV import screen in Chromium against the real Worker: a `,` file with a bad row (the
 * per-row report names row, column and code; the good rows are kept), then a `;`-separated French
 * Excel file with decimal commas, detected and said so.
 */
import { describe, expect, inject, it } from "vitest";
import { adminApi } from "./api";
import { createUser, englishPage, login, sharedBrowser } from "./admin-helpers";

const browser = sharedBrowser();
const base = () => inject("baseUrl");
const suffix = Math.random().toString(36).slice(2, 8);

describe("admin page: CSV import", () => {
  it("imports a file with a bad row, then a ;-separated French Excel file", async () => {
    const admin = await createUser("admin", "Imke");
    const page = await englishPage(browser());
    await page.goto(`${base()}/admin/login`);
    await login(page, admin.email);
    await page.getByRole("link", { name: "Import" }).click();
    await page.waitForURL(/\/admin\/import/);

    const comma = [
      "external_id,name,started_on,mrr",
      `IMP-${suffix}-1,Acme ${suffix},2025-01-15,1200.50`,
      `IMP-${suffix}-2,Bad date ${suffix},2025-02-30,10`,
      `IMP-${suffix}-3,Globex ${suffix},2025-03-01,99`,
    ].join("\r\n");
    await page.getByLabel("What").selectOption("accounts");
    await page.getByLabel("CSV file", { exact: true }).setInputFiles({ name: "accounts.csv", mimeType: "text/csv", buffer: Buffer.from(comma) });
    await page.getByRole("button", { name: "Import", exact: true }).click();
    const report = page.getByTestId("import-report");
    await expect.poll(() => report.textContent(), { timeout: 20_000 }).toContain("2 rows kept, 1 refused, of 3.");
    const cells = await page.getByTestId("import-errors").locator("tbody tr td").allTextContents();
    expect(cells.slice(0, 3)).toEqual(["3", "started_on", "invalid_date"]);
    expect(await report.textContent()).not.toContain("Semicolon");

    // A French Excel file: ; between cells, a comma inside a name, decimal commas.
    const semi =
      "\uFEFF" +
      [
        "external_id;name;started_on;mrr;segment",
        `IMP-${suffix}-4;Dupont, fils ${suffix};2025-01-15;1234,50;PME`,
        `IMP-${suffix}-5;Mauvais;2025-01-01;12,345;PME`,
      ].join("\r\n");
    await page.getByLabel("CSV file", { exact: true }).setInputFiles({ name: "comptes.csv", mimeType: "text/csv", buffer: Buffer.from(semi) });
    await page.getByRole("button", { name: "Import", exact: true }).click();
    await expect.poll(() => report.textContent(), { timeout: 20_000 }).toContain("1 rows kept, 1 refused, of 2.");
    expect(await report.textContent()).toContain("Semicolon-separated file");
    expect((await page.getByTestId("import-errors").locator("tbody tr td").allTextContents()).slice(0, 3)).toEqual(["3", "mrr", "invalid_number"]);
    // Saved as typed, the decimal comma read as a decimal point.
    const acc = await adminApi(`/api/v1/accounts?q=${encodeURIComponent("Dupont, fils " + suffix)}`);
    const row = acc.body.data?.find((a: { externalId: string }) => a.externalId === `IMP-${suffix}-4`);
    expect(row).toMatchObject({ name: `Dupont, fils ${suffix}`, mrrCents: 123450, segment: "PME" });
    // Both jobs in the latest imports.
    await expect.poll(() => page.locator("main table").last().locator("tbody tr").count()).toBeGreaterThanOrEqual(2);
    if (process.env.SCREENSHOTS === "1") await page.screenshot({ path: "docs/screenshots/import.png", fullPage: true });
    await page.context().close();
  });
});
