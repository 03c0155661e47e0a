/**
 * Sortable tables in Chromium against the real Worker and the built admin page:
 * - the comments & follow-up list, paged by the server: oldest first across two pages (the order
 *   comes from the server, not from sorting the loaded page), back to newest first;
 * - the users table and the waves table, sorted in the page: text by the collator (accents and
 *   case where a reader expects them), numbers by value (2 < 9 < 10), empty names last both ways;
 * each with the arrow, `aria-sort`, the keyboard, and the order kept in the URL through a reload
 * and Back.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";
import type { Locator, Page } from "playwright-core";
import { bucketOf } from "../../worker/metrics/buckets";
import { adminApi } from "./api";
import { createSurvey, createUser, englishPage, login, PASSWORD, sharedBrowser, upsertAccounts } from "./admin-helpers";

const browser = sharedBrowser();
/** The machine may be busy: a list can take more than the default second to come back. */
const SLOW = { timeout: 15_000 };
const base = () => inject("baseUrl");
const suffix = Math.random().toString(36).slice(2, 8);

/** Writes straight into the e2e Worker's local D1 (many answers at chosen times; waves as the cron would). */
function sql(command: string) {
  execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", inject("persistDir"), "--command", command], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    stdio: ["ignore", "ignore", "pipe"],
  });
}

const order = (list: Locator, attr: string) => list.evaluateAll((els, a) => els.map((e) => e.getAttribute(a)), attr);
const ariaSort = (page: Page, scope: string, button: string) =>
  page.locator(`${scope} th`, { has: page.getByRole("button", { name: button, exact: true }) }).getAttribute("aria-sort");

describe("sortable tables", () => {
  it("sorts the comments list on the server: oldest first across pages, kept through reload and Back, then newest first again", async () => {
    const admin = await createUser("admin", "Sorter");
    const survey = await createSurvey(`Sorted ${suffix}`);
    // 55 answers a minute apart (more than the page's 50), inserted with their times so the
    // expected order is known without asking the API that is under test.
    const start = Date.now() - 3 * 86_400_000;
    const ids = Array.from({ length: 55 }, (_, i) => `srt-${suffix}-${String(i).padStart(2, "0")}`);
    sql(
      ids
        .map((id, i) => {
          const at = start + i * 60_000;
          return `INSERT INTO responses (id, survey_id, score, comment, channel, locale, bucket_month, bucket_quarter, bucket_half, created_at, updated_at) VALUES ('${id}', '${survey.id}', ${i % 11}, 'Comment number ${i}', 'api', 'en', '${bucketOf(at, "month", "UTC")}', '${bucketOf(at, "quarter", "UTC")}', '${bucketOf(at, "half", "UTC")}', ${at}, ${at});`;
        })
        .join(""),
    );
    const oldestFirst = ids;
    const newestFirst = [...ids].reverse();

    const page = await englishPage(browser());
    await page.goto(`${base()}/admin/comments?survey=${survey.id}`);
    await page.waitForURL(/\/admin\/login/);
    await login(page, admin.email);
    const items = page.getByTestId("comments").locator("li.comment");
    // Newest first by default: the first page is the 50 newest.
    await expect.poll(() => order(items, "data-response"), SLOW).toEqual(newestFirst.slice(0, 50));
    expect(await ariaSort(page, "[data-testid=comments-order]", "Answered")).toBe("descending");

    // One click: oldest first, from the server (the oldest answer is on no loaded page before).
    await page.getByRole("button", { name: "Answered" }).click();
    await page.waitForURL(/[?&]sort=createdAt(&|$)/);
    await expect.poll(() => order(items, "data-response"), SLOW).toEqual(oldestFirst.slice(0, 50));
    expect(await ariaSort(page, "[data-testid=comments-order]", "Answered")).toBe("ascending");
    await page.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => order(items, "data-response"), SLOW).toEqual(oldestFirst);

    // A reload keeps the order (it is in the URL), and so does leaving and coming Back.
    await page.reload();
    await expect.poll(() => order(items, "data-response"), SLOW).toEqual(oldestFirst.slice(0, 50));
    await page.getByRole("link", { name: "Waves" }).click();
    await page.waitForURL(/\/admin\/waves$/);
    await page.goBack();
    await page.waitForURL(/\/admin\/comments\?.*sort=createdAt/);
    await expect.poll(() => order(items, "data-response"), SLOW).toEqual(oldestFirst.slice(0, 50));

    // From the keyboard: focus the header's button and press Enter: newest first again, and the
    // default order leaves no parameter in the URL.
    await page.getByRole("button", { name: "Answered" }).focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => new URL(page.url()).searchParams.get("sort"), SLOW).toBeNull();
    await expect.poll(() => order(items, "data-response"), SLOW).toEqual(newestFirst.slice(0, 50));
    expect(await ariaSort(page, "[data-testid=comments-order]", "Answered")).toBe("descending");
    await page.context().close();
  });

  it("sorts the users table by name with the collator, empty names last both ways, and keeps it in the URL", async () => {
    const admin = await createUser("admin", "Lister");
    const mine = [`Zoé ${suffix}`, `adam ${suffix}`, `Émile ${suffix}`];
    for (const name of mine) {
      const res = await adminApi("/api/v1/users", {
        body: { email: `sort-${mine.indexOf(name)}-${suffix}@e2e.barometre.test`, name, role: "viewer", password: PASSWORD },
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const nameless = `sort-nameless-${suffix}@e2e.barometre.test`;
    expect((await adminApi("/api/v1/users", { body: { email: nameless, role: "viewer", password: PASSWORD } })).status).toBe(201);

    const page = await englishPage(browser());
    await page.goto(`${base()}/admin/settings`);
    await page.waitForURL(/\/admin\/login/);
    await login(page, admin.email);
    const rows = page.getByTestId("users").locator("tbody tr");
    await expect.poll(() => rows.count(), SLOW).toBeGreaterThan(4);
    const table = async () =>
      (await rows.evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].slice(0, 2).map((td) => td.textContent ?? "")))) as [
        string,
        string,
      ][];
    const ours = async () => (await table()).filter(([name]) => name.endsWith(suffix)).map(([name]) => name);
    /** The nameless user comes after every user with a name. */
    const namelessLast = async () => {
      const all = await table();
      const at = all.findIndex(([, email]) => email === nameless);
      return at >= 0 && all.slice(at + 1).every(([name]) => name === "—");
    };

    const nameButton = page.getByTestId("users").getByRole("button", { name: /^Name/ });
    await nameButton.click();
    await page.waitForURL(/[?&]users=name(&|$)/);
    // Code-point order would say "Zoé, adam, Émile"; a reader expects adam, Émile, Zoé.
    await expect.poll(ours, SLOW).toEqual([`adam ${suffix}`, `Émile ${suffix}`, `Zoé ${suffix}`]);
    expect(await namelessLast()).toBe(true);
    expect(await ariaSort(page, "[data-testid=users]", "Name")).toBe("ascending");

    await nameButton.click();
    await page.waitForURL(/[?&]users=-name(&|$)/);
    await expect.poll(ours, SLOW).toEqual([`Zoé ${suffix}`, `Émile ${suffix}`, `adam ${suffix}`]);
    expect(await namelessLast()).toBe(true);
    expect(await ariaSort(page, "[data-testid=users]", "Name")).toBe("descending");

    await page.reload();
    await expect.poll(ours, SLOW).toEqual([`Zoé ${suffix}`, `Émile ${suffix}`, `adam ${suffix}`]);
    expect(await ariaSort(page, "[data-testid=users]", "Name")).toBe("descending");
    // Only one column says it sorts the table.
    expect(await page.getByTestId("users").locator("th[aria-sort]").count()).toBe(1);
    await page.context().close();
  });

  it("sorts the waves table by invitations as numbers (2 < 9 < 10), both ways, kept through Back", async () => {
    const admin = await createUser("admin", "Waver");
    const survey = await createSurvey(`Sorted waves ${suffix}`);
    const ext = `SORTW-${suffix}`;
    await upsertAccounts([{ externalId: ext, name: `Sort Co ${suffix}`, segment: "smb", managerUserId: null }]);
    const bulk = await adminApi("/api/v1/contacts/bulk", {
      body: {
        contacts: Array.from({ length: 10 }, (_, i) => ({
          externalId: `sw-${suffix}-${i}`,
          email: `sw-${suffix}-${i}@client.test`,
          name: `Person ${i}`,
          accountExternalId: ext,
        })),
      },
    });
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(200);
    const account = ((await adminApi(`/api/v1/accounts?q=${ext}`)).body.data as { id: string; externalId: string }[]).find(
      (a) => a.externalId === ext,
    )!;
    const contacts = (await adminApi(`/api/v1/contacts?accountId=${account.id}`)).body.data as { id: string }[];
    expect(contacts).toHaveLength(10);

    // Three waves with 2, 10 and 9 invitations: as text "10" < "2" < "9".
    const now = Date.now();
    const waves = [
      { id: `sw2-${suffix}`, period: "2032-01", invited: 2 },
      { id: `sw10-${suffix}`, period: "2032-02", invited: 10 },
      { id: `sw9-${suffix}`, period: "2032-03", invited: 9 },
    ];
    sql(
      waves
        .map(
          (w, k) =>
            `INSERT INTO waves (id, survey_id, period, opens_at, closes_at, status, created_at) VALUES ('${w.id}', '${survey.id}', '${w.period}', ${now - (k + 2) * 86_400_000}, ${now - 86_400_000}, 'closed', ${now});` +
            contacts
              .slice(0, w.invited)
              .map(
                (c, i) =>
                  `INSERT INTO invitations (id, wave_id, survey_id, contact_id, token, status, sent_at, created_at) VALUES ('inv-${w.id}-${i}', '${w.id}', '${survey.id}', '${c.id}', 'tok-${w.id}-${i}', 'sent', ${now}, ${now});`,
              )
              .join(""),
        )
        .join(""),
    );

    const page = await englishPage(browser());
    await page.goto(`${base()}/admin/waves`);
    await page.waitForURL(/\/admin\/login/);
    await login(page, admin.email);
    const ours = async () => (await order(page.locator("tr[data-wave]"), "data-wave")).filter((id) => id?.endsWith(suffix));
    await expect.poll(async () => (await ours()).length, SLOW).toBe(3);

    const invited = page.getByRole("button", { name: "Invitations sent" });
    await invited.click();
    await page.waitForURL(/[?&]sort=invited(&|$)/);
    await expect.poll(ours, SLOW).toEqual([`sw2-${suffix}`, `sw9-${suffix}`, `sw10-${suffix}`]);
    expect(await page.locator("th[aria-sort]").getAttribute("aria-sort")).toBe("ascending");
    expect(await page.locator("th[aria-sort] .sort-arrow").textContent()).toBe("▲");

    await invited.click();
    await page.waitForURL(/[?&]sort=-invited(&|$)/);
    await expect.poll(ours, SLOW).toEqual([`sw10-${suffix}`, `sw9-${suffix}`, `sw2-${suffix}`]);
    expect(await page.locator("th[aria-sort]").getAttribute("aria-sort")).toBe("descending");
    expect(await page.locator("th[aria-sort] .sort-arrow").textContent()).toBe("▼");

    await page.getByRole("link", { name: "Overview" }).click();
    await page.waitForURL((u) => u.pathname === "/admin/" || u.pathname === "/admin");
    await page.goBack();
    await page.waitForURL(/\/admin\/waves\?sort=-invited$/);
    await expect.poll(ours, SLOW).toEqual([`sw10-${suffix}`, `sw9-${suffix}`, `sw2-${suffix}`]);
    await page.context().close();
  });
});
