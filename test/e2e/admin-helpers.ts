/** Shared set-up for the admin page's browser tests: users, accounts and answers through the API. */
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, expect, inject } from "vitest";
import { launchBrowser } from "./browser";
import type { Browser, Page } from "playwright-core";
import { adminApi } from "./api";

export const PASSWORD = "correct-horse-battery-9";
const rand = () => Math.random().toString(36).slice(2, 10);

export async function createUser(role: "admin" | "manager" | "viewer", name: string = role) {
  const email = `${role}-${rand()}@e2e.barometre.test`;
  const res = await adminApi("/api/v1/users", { body: { email, name: `${name} ${rand()}`, role, password: PASSWORD } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.user.id as string, email, name: res.body.user.name as string };
}

export async function createSurvey(name: string) {
  const res = await adminApi("/api/v1/surveys", { body: { name, kind: "nps" } });
  expect(res.status).toBe(201);
  return res.body as { id: string; name: string };
}

export async function upsertAccounts(rows: { externalId: string; name: string; segment: string; managerUserId: string | null; mrrCents?: number }[]) {
  const res = await adminApi("/api/v1/accounts/bulk", {
    body: { accounts: rows.map((r) => ({ startedOn: "2024-01-01", mrrCents: 100_000, ...r })) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const secrets = new Map<string, string>();
/**
 * The claim signed as the client's server would (docs/WIDGET.md): an unsigned claim never places
 * the contact in an account.
 */
async function signature(surveyId: string, subject: string) {
  if (!secrets.has(surveyId)) secrets.set(surveyId, (await adminApi(`/api/v1/surveys/${surveyId}`)).body.signingSecret);
  return createHmac("sha256", secrets.get(surveyId)!).update(subject).digest("hex");
}

/** Answers one survey as `contactId` of the account with external id `account`. */
export async function answer(surveyId: string, score: number, account: string | null, comment?: string) {
  const contactId = `ct-${rand()}`;
  const email = `${contactId}@client.test`;
  const signed = account ? { signature: await signature(surveyId, `${contactId}\n${email}\n${account}`) } : {};
  const res = await adminApi(`/api/v1/surveys/${surveyId}/responses`, {
    body: {
      id: crypto.randomUUID(),
      score,
      ...(comment === undefined ? {} : { comment }),
      locale: "en",
      contact: { id: contactId, email, name: `Contact ${contactId}`, ...(account ? { account } : {}) },
      ...signed,
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string };
}

/** Signs in through the form (staying on the current login page, so its ?next= is honoured). */
export async function login(page: Page, email: string, password = PASSWORD, base = inject("baseUrl")) {
  if (!page.url().includes("/admin/login")) await page.goto(`${base}/admin/login`);
  await page.getByLabel(/^(Email|E-mail)$/).fill(email);
  await page.getByLabel(/^(Password|Mot de passe)$/).fill(password);
  await page.getByRole("button", { name: /^(Sign in|Se connecter)$/ }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/admin/login"));
}

/** RFC 4180 parsing, enough for the export's rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") row.push(cell), (cell = "");
    else if (ch === "\n") row.push(cell.replace(/\r$/, "")), rows.push(row), (row = []), (cell = "");
    else cell += ch;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows;
}

/** A fresh browser context in English at a desktop size, logging page errors. */
export async function englishPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: "en-GB", viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return page;
}

/** One Chromium for the file's tests: launched before them, closed after. */
export function sharedBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}
