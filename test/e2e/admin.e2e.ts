/**
 * The admin page in Chromium against the real Worker: log in, read the overview, filter (URL and
 * figures change), export CSV, log out; a manager's scope; an HTML comment stays inert; CSRF.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { adminApi } from "./api";
import { launchBrowser } from "./browser";
import { recordRequests } from "./settle";
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

async function newPage(): Promise<Page> {
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return page;
}

describe("admin page", () => {
  it("logs in, shows the overview, filters through the URL, exports CSV and logs out", async () => {
    const admin = await createUser("admin", "Ada");
    const manager = await createUser("manager", "Max");
    const survey = await createSurvey(`Overview NPS ${suffix}`);
    await upsertAccounts([
      { externalId: `ENT-${suffix}`, name: `Enterprise Co ${suffix}`, segment: `Enterprise-${suffix}`, managerUserId: manager.id },
      { externalId: `SMB-${suffix}`, name: `Small Co ${suffix}`, segment: `SMB-${suffix}`, managerUserId: manager.id },
    ]);
    // Enough answers for a headline (SMALL_N = 20). Enterprise: [10, 9, 9, 0] five times = 15
    // promoters, 5 detractors of 20 → NPS 50. Small: [3, 4, 10, 8, 7] twice = 2 promoters,
    // 4 passives, 4 detractors of 10. All: 17 P, 4 Pa, 9 D of 30 → 100 · 8/30 = 26.7 → "27".
    for (let i = 0; i < 5; i++) for (const s of [10, 9, 9, 0]) await answer(survey.id, s, `ENT-${suffix}`, s === 0 ? "Nothing works" : undefined);
    for (let i = 0; i < 2; i++) for (const s of [3, 4, 10, 8, 7]) await answer(survey.id, s, `SMB-${suffix}`);

    const page = await newPage();
    await page.goto(`${base()}/admin/?survey=${survey.id}`);
    await page.waitForURL(/\/admin\/login/);
    await login(page, admin.email);
    await expect.poll(() => new URL(page.url()).searchParams.get("survey")).toBe(survey.id);

    const current = page.getByTestId("current-score");
    // The first load waits for the survey list, the settings, then the metrics: slow on a busy machine.
    await expect.poll(() => current.textContent(), { timeout: 15_000 }).toBe("27");
    expect(await page.getByTestId("range-n").textContent()).toContain("30 answers");
    expect(await page.getByTestId("current-ci").textContent()).toMatch(/95 % CI -?\d+ to \d+/);
    await expect.poll(() => page.locator("#trend svg polygon, #trend svg line[stroke-width='10']").count()).toBeGreaterThan(0);

    // The segment filter offers the known segments (an exact match, so no guessing the spelling).
    await expect
      .poll(() => page.getByLabel("Segment").locator("option").allTextContents())
      .toEqual(expect.arrayContaining([`Enterprise-${suffix}`, `SMB-${suffix}`]));
    // Ten answers are too few to say anything: the headline says so instead of a number.
    await page.getByLabel("Segment").selectOption(`SMB-${suffix}`);
    await expect.poll(() => current.getAttribute("data-too-few")).toBe("true");
    expect(await current.textContent()).toBe("Too few answers");
    expect(await page.getByTestId("too-few-hint").textContent()).toContain("10 answers");
    // Filter by segment: the URL keeps it, and the figures are Enterprise's alone.
    await page.getByLabel("Segment").selectOption(`Enterprise-${suffix}`);
    await expect.poll(() => new URL(page.url()).searchParams.get("segment")).toBe(`Enterprise-${suffix}`);
    await expect.poll(() => current.textContent()).toBe("50");
    expect(await page.getByTestId("range-n").textContent()).toContain("20 answers");

    // A reload keeps the filters (they live in the URL).
    await page.reload();
    await expect.poll(() => page.getByTestId("current-score").textContent()).toBe("50");

    // The export link carries the same filters; the CSV has the 20 Enterprise rows and the 0 as "0".
    const href = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
    expect(href).toContain(`segment=Enterprise-${suffix}`);
    expect(href).toContain(`surveyId=${survey.id}`);
    const csv = await page.evaluate(async (h) => {
      const r = await fetch(h!);
      return { status: r.status, type: r.headers.get("content-type"), text: await r.text() };
    }, href);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain("text/csv");
    const rows = parseCsv(csv.text.replace(/^\uFEFF/, "")).filter((r) => r.length > 1);
    const header = rows[0]!;
    const scoreCol = header.indexOf("score");
    expect(scoreCol).toBeGreaterThanOrEqual(0);
    const scores = rows.slice(1).map((r) => r[scoreCol]);
    expect(scores.sort()).toEqual([...Array(5).fill("0"), ...Array(5).fill("10"), ...Array(10).fill("9")]);

    // Interval changes the URL too.
    await page.getByLabel("Group by").selectOption("quarter");
    await expect.poll(() => new URL(page.url()).searchParams.get("interval")).toBe("quarter");

    // Log out: back to the sign-in page, and the session is gone server-side.
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/admin\/login/);
    const me = await page.evaluate(async () => (await fetch("/api/v1/auth/me")).status);
    expect(me).toBe(401);
    await page.context().close();
  });

  it("shows a manager only their accounts; the API refuses another manager's", async () => {
    const mine = await createUser("manager", "Mia");
    const theirs = await createUser("manager", "Theo");
    await upsertAccounts([
      { externalId: `MINE-${suffix}`, name: `Mine Ltd ${suffix}`, segment: "SMB", managerUserId: mine.id },
      { externalId: `THEIRS-${suffix}`, name: `Theirs Ltd ${suffix}`, segment: "SMB", managerUserId: theirs.id },
    ]);
    const list = await adminApi(`/api/v1/accounts?q=${suffix}`);
    const theirsId = list.body.data.find((a: { externalId: string }) => a.externalId === `THEIRS-${suffix}`).id as string;

    const page = await newPage();
    await login(page, mine.email);
    await page.goto(`${base()}/admin/accounts`);
    const table = page.getByTestId("accounts-table");
    await expect.poll(() => table.textContent()).toContain(`Mine Ltd ${suffix}`);
    expect(await table.textContent()).not.toContain(`Theirs Ltd ${suffix}`);
    const names = await table.locator("tbody tr td:first-child").allTextContents();
    expect(names.length).toBe(1);

    // Straight to the other manager's account: the page says no, the API answers 403/404.
    await page.goto(`${base()}/admin/accounts/${theirsId}`);
    await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/not found|do not have access/i);
    const status = await page.evaluate(async (id) => (await fetch(`/api/v1/accounts/${id}`)).status, theirsId);
    expect([403, 404]).toContain(status);
    const other = await page.evaluate(async (m) => (await fetch(`/api/v1/accounts?manager=${m}`)).status, theirs.id);
    expect([200, 403]).toContain(other);
    if (other === 200) {
      const body = await page.evaluate(async (m) => (await fetch(`/api/v1/accounts?manager=${m}`)).json(), theirs.id);
      expect(body.data.every((a: { managerUserId: string }) => a.managerUserId === mine.id)).toBe(true);
    }
    await page.context().close();
  });

  it("renders a comment containing HTML as inert text", async () => {
    const admin = await createUser("admin", "Xavier");
    const survey = await createSurvey(`XSS ${suffix}`);
    const payload = `<img src=x onerror="window.__xss=1;alert('xss')"><b id="injected-${suffix}">bold</b>`;
    await answer(survey.id, 2, null, payload);

    const page = await newPage();
    let dialogs = 0;
    page.on("dialog", async (d) => {
      dialogs++;
      await d.dismiss();
    });
    await login(page, admin.email);
    for (const path of [`/admin/comments?survey=${survey.id}`, `/admin/?survey=${survey.id}`]) {
      await page.goto(base() + path);
      const text = page.getByText(payload, { exact: true }).first();
      await expect.poll(() => text.count(), { timeout: 15_000 }).toBeGreaterThan(0);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
      expect(await page.locator(`#injected-${suffix}`).count()).toBe(0);
      expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    }
    expect(dialogs).toBe(0);
    await page.context().close();
  });

  it("refuses a mutating call from the session without the CSRF token", async () => {
    const admin = await createUser("admin", "Carl");
    const page = await newPage();
    await login(page, admin.email);
    const result = await page.evaluate(async () => {
      const body = JSON.stringify({ name: "CSRF probe", kind: "nps" });
      const bare = await fetch("/api/v1/surveys", { method: "POST", headers: { "content-type": "application/json" }, body });
      const bareBody = await bare.json();
      const wrong = await fetch("/api/v1/surveys", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": "forged" },
        body,
      });
      const me = await (await fetch("/api/v1/auth/me")).json();
      const right = await fetch("/api/v1/surveys", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": me.csrfToken },
        body,
      });
      return { bare: bare.status, code: bareBody.error?.code, wrong: wrong.status, right: right.status };
    });
    expect(result.bare).toBe(403);
    expect(result.code).toBe("csrf_failed");
    expect(result.wrong).toBe(403);
    // The same call with the session's token goes through: the refusal was the token, not the role.
    expect(result.right).toBe(201);

    // A form posted from another site: SameSite=Lax keeps the cookie off, so it is not even signed in.
    const evil = await browser.newContext();
    const evilPage = await evil.newPage();
    await evilPage.setContent(
      `<form id="f" method="POST" action="${base()}/api/v1/surveys" enctype="text/plain"><input name='{"name":"x","kind":"nps","a":"' value='"}'></form>`,
    );
    const [resp] = await Promise.all([
      evilPage.waitForResponse((r) => r.url().includes("/api/v1/surveys")),
      evilPage.evaluate(() => (document.getElementById("f") as HTMLFormElement).submit()),
    ]);
    expect([401, 403]).toContain(resp.status());
    await evil.close();
    await page.context().close();
  });
});

describe("admin page: editing", () => {
  it("creates a survey from the editor and closes the loop on a detractor", async () => {
    const admin = await createUser("admin", "Eve");
    const page = await newPage();
    await login(page, admin.email);

    // Survey editor: create, then edit a French text and the sampling; the API has the new values.
    await page.goto(`${base()}/admin/surveys/new`);
    await page.getByLabel("Name").fill(`Editor survey ${suffix}`);
    await page.getByLabel("Kind").selectOption("csat");
    await page.locator("#t-fr-question").fill("Êtes-vous satisfait ?");
    await page.getByRole("button", { name: "New survey" }).click();
    await page.waitForURL(/\/admin\/surveys\/srv_/);
    const surveyId = new URL(page.url()).pathname.split("/").pop()!;
    await page.getByLabel("Sampling (% of visitors)").fill("40");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByRole("status").filter({ hasText: "Saved" }).count()).toBe(1);
    const saved = await adminApi(`/api/v1/surveys/${surveyId}`);
    expect(saved.body).toMatchObject({ kind: "csat", samplingPercent: 40, texts: { fr: { question: "Êtes-vous satisfait ?" } } });
    expect(await page.locator("#embed-snippet").inputValue()).toContain(`data-survey="${surveyId}"`);

    // Live preview: the real widget when this build serves /embed.js, else a clear "not available".
    const preview = page.locator("section", { has: page.getByRole("heading", { name: "Live preview" }) });
    const embed = await fetch(`${base()}/embed.js`, { method: "HEAD" });
    if (embed.ok) {
      const frame = page.frameLocator("iframe.preview");
      // The real widget opens in the frame; answering there records nothing (the frame answers
      // the widget's writes itself).
      const three = frame.getByRole("radio", { name: "3", exact: true });
      await three.waitFor({ timeout: 15_000 });
      const writes = recordRequests(page, /\/responses$/);
      await three.click();
      // Absence, after a definite event: the widget's outbox holds the answer until a write is
      // answered, so an emptied outbox ("[]") means the frame answered it; no request left the page.
      const inFrame = (await (await page.locator("iframe.preview").elementHandle())!.contentFrame())!;
      await expect.poll(() => inFrame.evaluate(() => localStorage.getItem("bm_q"))).toBe("[]");
      expect(writes).toEqual([]);
      const answers = await adminApi(`/api/v1/surveys/${surveyId}/responses`);
      expect(answers.body.data).toEqual([]);
    } else {
      await expect.poll(() => preview.textContent()).toContain("Not available yet");
    }

    // A detractor's follow-up: status and a note, through the page (session + CSRF token).
    const nps = await createSurvey(`Followup ${suffix}`);
    const response = await answer(nps.id, 1, null, "Support never answered");
    await page.goto(`${base()}/admin/comments?survey=${nps.id}`);
    const item = page.locator(`li[data-response="${response.id}"]`);
    await item.getByLabel("Follow-up status").selectOption("contacted");
    await item.getByLabel("Add note").fill("Called, fix planned");
    await item.getByRole("button", { name: "Add note" }).click();
    await expect.poll(() => item.locator(".notes").textContent()).toContain("Called, fix planned");
    const comments = await adminApi(`/api/v1/comments?surveyId=${nps.id}`);
    expect(comments.body.data[0].followup).toMatchObject({ status: "contacted", notes: [{ body: "Called, fix planned" }] });
    await page.context().close();
  });
});

describe("admin page: accessibility", () => {
  it("names every control on every page and can be driven by keyboard", async () => {
    const admin = await createUser("admin", "Ally");
    const survey = await createSurvey(`A11y ${suffix}`);
    await answer(survey.id, 3, null, "Slow exports");
    const page = await newPage();
    await login(page, admin.email);
    for (const path of ["/", "/retention", "/accounts", "/comments", "/surveys", "/surveys/new", `/surveys/${survey.id}`, "/goals", "/settings"]) {
      await page.goto(`${base()}/admin${path}?survey=${survey.id}`);
      await expect.poll(() => page.locator(".loading").count(), { timeout: 15_000, message: `still loading: ${path}` }).toBe(0);
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("input, select, textarea, button, a[href]")]
          .filter((el) => !(el instanceof HTMLInputElement && el.type === "hidden"))
          .filter((el) => {
            const labelled = "labels" in el && (el as HTMLInputElement).labels && (el as HTMLInputElement).labels!.length > 0;
            return !labelled && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby") && !el.textContent?.trim() && !el.title;
          })
          .map((el) => el.outerHTML.slice(0, 120)),
      );
      expect(unnamed, path).toEqual([]);
      expect(await page.locator("h1").count(), path).toBe(1);
    }
    // Keyboard: the first Tab reaches the skip link, the next ones the navigation; Enter follows.
    await page.goto(`${base()}/admin/`);
    await page.getByRole("heading", { level: 1 }).waitFor();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Retention");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/admin\/retention/);
    // Focus moves to the new page's title, so screen readers announce the change.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("page-title");
    await page.context().close();
  });
});

describe("admin page: serving", () => {
  it("serves index.html for client routes, real files as they are, and 404 for a missing chunk", async () => {
    const root = await fetch(`${base()}/admin`);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('<div id="app">');
    const deep = await fetch(`${base()}/admin/accounts/acc_whatever?status=at_risk`);
    expect(deep.status).toBe(200);
    expect(deep.headers.get("content-type")).toContain("text/html");
    expect(deep.headers.get("cache-control")).toBe("no-cache");
    expect(deep.headers.get("content-security-policy")).toContain("script-src 'self'");
    const html = await deep.text();
    const script = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(base() + script);
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toContain("javascript");
    const missing = await fetch(`${base()}/admin/assets/missing-chunk.js`);
    expect(missing.status).toBe(404);
    // The API keeps its JSON 404 (the SPA fallback is for /admin only).
    const api = await fetch(`${base()}/api/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe("not_found");
  });
});
