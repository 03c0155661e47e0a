/**
 * The Waves page and the contact page in Chromium against the real Worker and the built admin
 * page: a wave (inserted into the local D1, as the cron would) is listed with its invitations,
 * answers and response rate and its invitations CSV downloads; a contact reached from their
 * account exports their data, then is erased after a confirmation naming them, and their answers
 * are gone from the API.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { adminApi } from "./api";
import { launchBrowser } from "./browser";
import { animationsDone } from "./settle";
import { answer, createSurvey, createUser, login, parseCsv, upsertAccounts } from "./admin-helpers";

// The docs show these screens with the demo data (admin-screenshots.e2e.ts); these PNGs, of test
// data, only help whoever reads a failure.
const OUT = mkdtempSync(join(tmpdir(), "barometre-screens-"));
let browser: Browser;
const base = () => inject("baseUrl");
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1360, height: 860 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return page;
}

/** Writes straight into the e2e Worker's local D1 (waves and invitations come from the cron otherwise). */
function sql(command: string) {
  execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", inject("persistDir"), "--command", command], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    stdio: "ignore",
  });
}

/** The account's contacts, by name. */
async function contactsOf(accountExternalId: string) {
  const accounts = await adminApi(`/api/v1/accounts?q=${encodeURIComponent(accountExternalId)}`);
  expect(accounts.status, JSON.stringify(accounts.body)).toBe(200);
  const account = (accounts.body.data as { id: string; externalId: string }[]).find((a) => a.externalId === accountExternalId)!;
  const res = await adminApi(`/api/v1/contacts?accountId=${account.id}`);
  expect(res.status).toBe(200);
  return { accountId: account.id, contacts: res.body.data as { id: string; name: string; email: string }[] };
}

describe("admin screens", () => {
  it("the Waves page lists a wave with invitations, answers and response rate, and its CSV downloads", async () => {
    const admin = await createUser("admin", "Ada");
    const survey = await createSurvey(`Waves ${suffix}`);
    const ext = `WAVE-${suffix}`;
    await upsertAccounts([{ externalId: ext, name: `Wave Co ${suffix}`, segment: "smb", managerUserId: null }]);
    await answer(survey.id, 9, ext, "Good");
    await answer(survey.id, 5, ext, "Meh");
    const silent = await adminApi("/api/v1/contacts/bulk", {
      body: { contacts: [{ externalId: `silent-${suffix}`, email: `silent-${suffix}@client.test`, name: "Silent", accountExternalId: ext }] },
    });
    expect(silent.status, JSON.stringify(silent.body)).toBe(200);
    const { contacts } = await contactsOf(ext);
    expect(contacts).toHaveLength(3);

    const now = Date.now();
    const wave = `wv_${suffix}`;
    const period = "2031-05";
    sql(
      `INSERT INTO waves (id, survey_id, period, opens_at, closes_at, status, created_at) VALUES ('${wave}', '${survey.id}', '${period}', ${now - 86_400_000}, ${now + 13 * 86_400_000}, 'open', ${now});` +
        contacts
          .map(
            (c, i) =>
              `INSERT INTO invitations (id, wave_id, survey_id, contact_id, token, status, sent_at, created_at) VALUES ('inv_${suffix}_${i}', '${wave}', '${survey.id}', '${c.id}', 'tok_${suffix}_${i}', 'sent', ${now}, ${now});`,
          )
          .join(""),
    );

    const page = await newPage();
    await page.goto(`${base()}/admin/`);
    await login(page, admin.email);
    await page.getByRole("link", { name: "Waves" }).click();
    await page.waitForURL(/\/admin\/waves$/);
    const row = page.locator(`tr[data-wave="${wave}"]`);
    await row.waitFor();
    const cells = await row.locator("td").allTextContents();
    // Survey, period, opens, closes, status, invited, answers, rate, CSV.
    expect(cells[0]).toBe(`Waves ${suffix}`);
    expect(cells[1]).toBe(period);
    expect(cells[4]).toBe("Open");
    expect(cells.slice(5, 7)).toEqual(["3", "2"]);
    expect(cells[7]).toMatch(/^67\s?%$/);
    const csvLink = row.getByRole("link", { name: `Invitations CSV of wave ${period}` });
    const [download] = await Promise.all([page.waitForEvent("download"), csvLink.click()]);
    const rows = parseCsv(readFileSync((await download.path())!, "utf8"));
    expect(rows[0]).toEqual(["email", "name", "locale", "account", "link", "unsubscribe_link", "status"]);
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(contacts.map((c) => c.email).sort());
    await animationsDone(page);
    await page.screenshot({ path: `${OUT}/waves.png` });
    await page.context().close();
  });

  it("the contact page exports a contact's data, then erases them after a confirmation naming them", async () => {
    const admin = await createUser("admin", "Eve");
    const survey = await createSurvey(`Contact ${suffix}`);
    const ext = `GDPR-${suffix}`;
    await upsertAccounts([{ externalId: ext, name: `Private Co ${suffix}`, segment: "mid", managerUserId: null }]);
    const first = await answer(survey.id, 4, ext, "Support never called back");
    const { accountId, contacts } = await contactsOf(ext);
    const person = contacts[0]!;

    const page = await newPage();
    await page.goto(`${base()}/admin/accounts/${accountId}`);
    await page.waitForURL(/\/admin\/login/);
    await login(page, admin.email);
    await page.getByRole("link", { name: person.name }).click();
    await page.waitForURL(new RegExp(`/admin/contacts/${person.id}$`));
    await expect.poll(() => page.locator("#page-title").textContent()).toBe(person.name);
    await page.getByTestId("contact-answers").getByText("Support never called back").waitFor();
    expect(await page.locator("dl.details").textContent()).toContain(person.email);
    expect(await page.locator("dl.details").textContent()).toContain(`Private Co ${suffix}`);

    // Export: the JSON download holds the person and their answer.
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export data (GDPR)" }).click()]);
    const exported = JSON.parse(readFileSync((await download.path())!, "utf8"));
    expect(exported.contact.email).toBe(person.email);
    expect(exported.responses.map((r: { id: string }) => r.id)).toEqual([first.id]);
    await animationsDone(page);
    await page.screenshot({ path: `${OUT}/contact.png` });

    // Erase: nothing happens until the confirmation naming the person is accepted.
    await page.getByRole("button", { name: "Erase", exact: true }).click();
    const dialog = page.getByRole("alertdialog");
    expect(await dialog.textContent()).toContain(`Erase ${person.name}?`);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await page.getByRole("alertdialog").count()).toBe(0);
    expect((await adminApi(`/api/v1/contacts/${person.id}`)).status).toBe(200);
    await page.getByRole("button", { name: "Erase", exact: true }).click();
    await page.getByRole("button", { name: `Erase ${person.name}` }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain(`${person.name} has been erased. Deleted answers: 1;`);

    // Gone from the API: the contact, and their answer from the survey's answers.
    expect((await adminApi(`/api/v1/contacts/${person.id}`)).status).toBe(404);
    const answers = await adminApi(`/api/v1/surveys/${survey.id}/responses`);
    expect(answers.status).toBe(200);
    expect((answers.body.data as { id: string }[]).map((r) => r.id)).not.toContain(first.id);
    await page.context().close();
  });
});
