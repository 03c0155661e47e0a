/**
 * People in Chromium against the real built admin page (issue 9, point 11): an admin invites a
 * manager by e-mail, the invitee opens the e-mailed link, chooses a password and is signed in;
 * "Forgot password?" sends a link whose use ends the old session and lets the new password in.
 * A Node stub on 127.0.0.1 is the e-mail API (as in waves.delivery.e2e.ts); the links it
 * receives point at PUBLIC_URL and are opened on this Worker with the same path and #token.
 * Without an e-mail API (the shared Worker), the admin gets the link to copy and the sign-in page
 * offers no reset. SCREENSHOTS=1 writes the new screens to docs/screenshots (docs/ADMIN.md).
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { adminApi } from "./api";
import { login, PASSWORD } from "./admin-helpers";
import { launchBrowser } from "./browser";
import { freePort } from "./net";
import { callApi, startWorker, type RunningWorker } from "./worker";

const OUT = process.env.SCREENSHOTS === "1" ? "docs/screenshots" : mkdtempSync(join(tmpdir(), "barometre-people-"));
const KEY = "e2e-people-admin-key-0123456789ab";
const PUBLIC_URL = "https://nps.example.test";
const rand = () => Math.random().toString(36).slice(2, 8);
/** Accepting and resetting hash a password (100,000 PBKDF2 rounds): on a busy machine a poll's default second is short. */
const WAIT = { timeout: 15_000 };
let worker: RunningWorker | undefined;
let stub: Server;
let browser: Browser;
const mail: { to: string; subject: string; text: string; link: string; locale: string }[] = [];

beforeAll(async () => {
  stub = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const body = JSON.parse(raw);
      mail.push({ to: body.to.email, subject: body.subject, text: body.text, link: body.links.action, locale: body.locale });
      res.writeHead(202, { "content-type": "application/json" }).end("{}");
    });
  });
  const stubPort = await freePort();
  await new Promise<void>((r) => stub.listen(stubPort, "127.0.0.1", r));
  worker = await startWorker({ ADMIN_API_KEY: KEY, EMAIL_API_URL: `http://127.0.0.1:${stubPort}/send`, EMAIL_FROM: "nps@example.test", PUBLIC_URL }, [
    "--inspector-port",
    String(await freePort()),
  ]);
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await worker?.stop();
  await new Promise((r) => stub?.close(r));
});

const base = () => worker!.base;
const api = (path: string, init: { method?: string; body?: unknown } = {}) => callApi(base(), KEY, path, init);

async function newPage(locale = "en-GB"): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  return { context, page };
}

async function userWithPassword(role: "admin" | "manager", name: string) {
  const email = `${role}-${rand()}@people.test`;
  const r = await api("/api/v1/users", { body: { email, name, role, password: PASSWORD } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return { id: r.body.user.id as string, email };
}

/** The e-mail the stub received for `to`, once it has arrived. */
async function mailTo(to: string) {
  await expect.poll(() => mail.some((m) => m.to === to), WAIT).toBe(true);
  return mail.filter((m) => m.to === to).at(-1)!;
}

/** The e-mailed link, opened on this Worker: same path and #token, the configured origin swapped for the test's. */
const onWorker = (link: string) => {
  expect(link.startsWith(`${PUBLIC_URL}/admin/`)).toBe(true);
  const u = new URL(link);
  return `${base()}${u.pathname}${u.hash}`;
};

describe("people: invitations and password reset, with an e-mail API", () => {
  it("an admin invites a manager; the e-mail's link opens the accept page; a password later the manager is signed in", async () => {
    const admin = await userWithPassword("admin", "Alice Admin");
    const { context: adminCtx, page } = await newPage();
    await login(page, admin.email, PASSWORD, base());
    await page.goto(`${base()}/admin/settings`);
    const card = page.locator("#invitations");
    const invitee = `mara-${rand()}@people.test`;
    await card.getByLabel("Email").fill(invitee);
    await card.getByLabel("Role").selectOption("manager");
    await card.getByLabel("E-mail language").selectOption("en");
    await card.getByRole("button", { name: "Invite by e-mail" }).click();
    await expect.poll(() => card.getByTestId("invite-sent").textContent(), WAIT).toContain(`Invitation sent to ${invitee}`);
    const row = card.locator(`tr[data-invitation="${invitee}"]`);
    await expect.poll(() => row.textContent(), WAIT).toContain("Pending");
    expect(await row.textContent()).toContain("Account manager");
    expect(await row.textContent()).toContain("by e-mail (1×)");
    await card.screenshot({ path: `${OUT}/invitations.png` });

    const sent = await mailTo(invitee);
    expect(sent.subject).toBe("You are invited to Baromètre");
    expect(sent.text).toContain("Alice Admin invites you to Baromètre");
    expect(sent.link).toMatch(/\/admin\/invitation#token=[0-9a-z]{32}$/);

    const { context, page: guest } = await newPage();
    await guest.goto(onWorker(sent.link));
    await guest.getByRole("heading", { name: "Join Baromètre" }).waitFor();
    // The token leaves the address bar (and the history) as soon as the page has read it.
    expect(guest.url()).toBe(`${base()}/admin/invitation`);
    expect(await guest.locator(".login-card").textContent()).toContain(`You are invited as account manager with ${invitee}`);
    await guest.getByLabel("Your name").fill("Mara Manager");
    await guest.getByLabel("Password", { exact: true }).fill("mara-secret-password");
    await guest.getByLabel("Repeat the password").fill("mara-secret-password");
    await guest.screenshot({ path: `${OUT}/invitation-accept.png` });
    await guest.getByRole("button", { name: "Create my account" }).click();
    await guest.waitForURL(`${base()}/admin/`);
    await expect.poll(() => guest.locator(".whoami").textContent(), WAIT).toContain("Mara Manager");
    expect(await guest.locator(".whoami").textContent()).toContain("Account manager");

    const users = await api("/api/v1/users");
    expect(users.body.data.find((u: { email: string }) => u.email === invitee)).toMatchObject({ role: "manager", name: "Mara Manager" });
    // The link worked once.
    await guest.goto(onWorker(sent.link));
    await expect.poll(() => guest.getByTestId("link-error").textContent(), WAIT).toContain("This link is not valid");
    // Accepted: gone from the admin's pending list.
    await page.reload();
    await card.getByRole("button", { name: "Invite by e-mail" }).waitFor();
    await expect.poll(() => card.locator(`tr[data-invitation="${invitee}"]`).count(), WAIT).toBe(0);
    await context.close();
    await adminCtx.close();
  });

  it("re-sending from the list kills the first link; revoking kills the second; the French invitation opens in French", async () => {
    const admin = await userWithPassword("admin", "Bob Admin");
    const { context: adminCtx, page } = await newPage();
    await login(page, admin.email, PASSWORD, base());
    await page.goto(`${base()}/admin/settings`);
    const card = page.locator("#invitations");
    const invitee = `zoe-${rand()}@people.test`;
    await card.getByLabel("Email").fill(invitee);
    await card.getByLabel("Role").selectOption("viewer");
    await card.getByLabel("E-mail language").selectOption("fr");
    await card.getByRole("button", { name: "Invite by e-mail" }).click();
    const first = await mailTo(invitee);
    expect(first.subject).toBe("Vous êtes invité·e sur Baromètre");
    // The form is ready for the next invitation: empty, back to an account manager in the page's language.
    await expect.poll(() => card.getByLabel("Email").inputValue(), WAIT).toBe("");
    expect(await card.getByLabel("Role").inputValue()).toBe("manager");
    expect(await card.getByLabel("E-mail language").inputValue()).toBe("en");

    const row = card.locator(`tr[data-invitation="${invitee}"]`);
    await row.getByRole("button", { name: `Re-send ${invitee}` }).click();
    await expect.poll(() => mail.filter((m) => m.to === invitee).length, WAIT).toBe(2);
    await expect.poll(() => row.textContent(), WAIT).toContain("by e-mail (2×)");
    const second = mail.filter((m) => m.to === invitee)[1]!;

    const { context, page: guest } = await newPage("fr-FR");
    await guest.goto(onWorker(first.link));
    await expect.poll(() => guest.getByTestId("link-error").textContent(), WAIT).toContain("Ce lien n'est pas valable");
    // Same page, another fragment: no page load, the card checks the new token (hashchange), so
    // it is awaited rather than read at once (the first link's error is still on screen meanwhile).
    await guest.goto(onWorker(second.link));
    await expect.poll(() => guest.locator(".login-card").textContent(), WAIT).toContain(`Vous êtes invité·e en tant que lecteur avec ${invitee}`);
    expect(await guest.getByTestId("link-error").count()).toBe(0);
    expect(await guest.getByRole("button", { name: "Créer mon compte" }).count()).toBe(1);
    await guest.screenshot({ path: `${OUT}/invitation-accept-fr.png` });

    await row.getByRole("button", { name: `Revoke ${invitee}` }).click();
    await expect.poll(() => row.count(), WAIT).toBe(0);
    await guest.getByLabel("Votre nom").fill("Zoé");
    await guest.getByLabel("Mot de passe", { exact: true }).fill("zoe-secret-password");
    await guest.getByLabel("Répétez le mot de passe").fill("zoe-secret-password");
    await guest.getByRole("button", { name: "Créer mon compte" }).click();
    await expect.poll(() => guest.getByRole("alert").textContent(), WAIT).toContain("Ce lien n'est pas valable");
    await context.close();
    await adminCtx.close();
  });

  it("forgot password: neutral answer, e-mailed link, new password set, the old session is gone, the new password signs in", async () => {
    const user = await userWithPassword("manager", "Paul Manager");
    // A session opened before the reset (another browser).
    const { context: oldCtx, page: old } = await newPage();
    await login(old, user.email, PASSWORD, base());
    await old.waitForURL(`${base()}/admin/`);

    const { context, page } = await newPage();
    await page.goto(`${base()}/admin/login`);
    const forgot = page.getByRole("link", { name: "Forgot password?" });
    await forgot.waitFor();
    await page.screenshot({ path: `${OUT}/login-forgot.png` });
    await forgot.click();
    await page.getByRole("heading", { name: "Reset your password" }).waitFor();
    await page.getByLabel("Email").fill(user.email);
    await page.screenshot({ path: `${OUT}/forgot-password.png` });
    await page.getByRole("button", { name: "Send the link" }).click();
    const neutral = await page.getByTestId("forgot-sent").textContent();
    expect(neutral).toContain(`If ${user.email} belongs to an account, a link is on its way`);

    // An unknown address gets the very same page (and no e-mail).
    const ghost = `ghost-${rand()}@people.test`;
    const { context: ghostCtx, page: ghostPage } = await newPage();
    await ghostPage.goto(`${base()}/admin/forgot-password`);
    await ghostPage.getByLabel("Email").fill(ghost);
    await ghostPage.getByRole("button", { name: "Send the link" }).click();
    expect(await ghostPage.getByTestId("forgot-sent").textContent()).toBe(neutral!.replace(user.email, ghost));
    await ghostCtx.close();

    const sent = await mailTo(user.email);
    expect(sent.subject).toBe("Reset your Baromètre password");
    await page.goto(onWorker(sent.link));
    await page.getByRole("heading", { name: "Choose a new password" }).waitFor();
    expect(page.url()).toBe(`${base()}/admin/reset-password`);
    await page.getByLabel("New password").fill("a-new-password-for-paul");
    await page.getByLabel("Repeat the password").fill("a-new-password-for-paul");
    await page.screenshot({ path: `${OUT}/reset-password.png` });
    await page.getByRole("button", { name: "Save the new password" }).click();
    await page.waitForURL(/\/admin\/login\?reset=done/);
    expect(await page.getByTestId("reset-done").textContent()).toContain("Your password has been changed");
    expect(await page.getByLabel("Email").inputValue()).toBe(user.email);

    // The session opened before is gone: the next page load lands on the sign-in page.
    await old.reload();
    await old.waitForURL(/\/admin\/login/);
    await oldCtx.close();

    // The old password no longer works, the new one does.
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#login-error").textContent(), WAIT).toContain("Wrong email or password");
    await page.getByLabel("Password").fill("a-new-password-for-paul");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base()}/admin/`);
    await expect.poll(() => page.locator(".whoami").textContent(), WAIT).toContain("Paul Manager");
    // The link was single-use.
    await page.goto(onWorker(sent.link));
    await page.getByLabel("New password").fill("yet-another-password");
    await page.getByLabel("Repeat the password").fill("yet-another-password");
    await page.getByRole("button", { name: "Save the new password" }).click();
    await expect.poll(() => page.getByRole("alert").textContent(), WAIT).toContain("This link is not valid");
    await context.close();
  });

  it("the reset pages in French", async () => {
    const { context, page } = await newPage("fr-FR");
    await page.goto(`${base()}/admin/login`);
    await page.getByLabel("Langue").selectOption("fr");
    await page.getByRole("link", { name: "Mot de passe oublié ?" }).click();
    await page.getByRole("heading", { name: "Réinitialiser votre mot de passe" }).waitFor();
    await page.getByLabel("E-mail").fill(`inconnu-${rand()}@people.test`);
    await page.getByRole("button", { name: "Envoyer le lien" }).click();
    await expect.poll(() => page.getByTestId("forgot-sent").textContent(), WAIT).toContain("un lien est en route");
    await page.screenshot({ path: `${OUT}/forgot-password-fr.png` });
    await page.goto(`${base()}/admin/reset-password#token=${"x".repeat(32)}`);
    await page.getByRole("heading", { name: "Choisir un nouveau mot de passe" }).waitFor();
    await page.getByLabel("Nouveau mot de passe").fill("un-mot-de-passe-neuf");
    await page.getByLabel("Répétez le mot de passe").fill("un-autre-mot-de-passe");
    await page.getByRole("button", { name: "Enregistrer le mot de passe" }).click();
    expect(await page.getByRole("alert").textContent()).toBe("Les deux mots de passe diffèrent.");
    await page.screenshot({ path: `${OUT}/reset-password-fr.png` });
    await context.close();
  });
});

describe("people without an e-mail API (the shared Worker)", () => {
  it("the admin gets the link to copy, clearly worded; the sign-in page offers no reset", async () => {
    const email = `admin-${rand()}@e2e.barometre.test`;
    expect((await adminApi("/api/v1/users", { body: { email, name: "Ann Admin", role: "admin", password: PASSWORD } })).status).toBe(201);
    const { context, page } = await newPage();
    await page.goto(`${inject("baseUrl")}/admin/login`);
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    expect(await page.getByRole("link", { name: "Forgot password?" }).count()).toBe(0);
    await login(page, email);
    await page.goto(`${inject("baseUrl")}/admin/settings`);
    const card = page.locator("#invitations");
    const invitee = `nomail-${rand()}@people.test`;
    await card.getByLabel("Email").fill(invitee);
    // The form proposes the most common invitation: an account manager, in the page's language.
    expect(await card.getByLabel("Role").inputValue()).toBe("manager");
    expect(await card.getByLabel("E-mail language").inputValue()).toBe("en");
    await card.getByRole("button", { name: "Invite by e-mail" }).click();
    await expect.poll(() => card.getByRole("status").textContent(), WAIT).toContain("No e-mail service is configured, so nothing was sent");
    const link = await card.getByTestId("secret").textContent();
    expect(link).toMatch(new RegExp(`^${inject("baseUrl")}/admin/invitation#token=[0-9a-z]{32}$`));
    expect(await card.locator(`tr[data-invitation="${invitee}"]`).textContent()).toContain("link shown (1×)");
    expect(await card.locator(`tr[data-invitation="${invitee}"]`).textContent()).toContain("Account manager");
    await card.screenshot({ path: `${OUT}/invitations-no-email.png` });
    // Shown once: after a reload only the list remains.
    await page.reload();
    await card.locator(`tr[data-invitation="${invitee}"]`).waitFor();
    expect(await card.getByTestId("secret").count()).toBe(0);
    // The link works.
    const { context: guestCtx, page: guest } = await newPage();
    await guest.goto(link!);
    await guest.getByLabel("Your name").fill("No Mail");
    await guest.getByLabel("Password", { exact: true }).fill("nomail-password-1");
    await guest.getByLabel("Repeat the password").fill("nomail-password-1");
    await guest.getByRole("button", { name: "Create my account" }).click();
    await guest.waitForURL(`${inject("baseUrl")}/admin/`);
    await guestCtx.close();
    await context.close();
  });
});
