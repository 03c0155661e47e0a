/**
 * Replying to a detractor from the follow-up item (issue "Close the loop", point 4), in Chromium
 * against the real Worker (no email API configured in the browser tests): the reply is kept on the
 * item, a mailto: link is prepared for the manager's mail app, the item becomes "contacted", and
 * the respondent's text and the reply stay text.
 */
import { describe, expect, inject, it } from "vitest";
import { adminApi } from "./api";
import { answer, createSurvey, createUser, englishPage, login, sharedBrowser, upsertAccounts } from "./admin-helpers";

const browser = sharedBrowser();
const base = () => inject("baseUrl");
const suffix = Math.random().toString(36).slice(2, 8);

describe("close the loop: reply to the respondent", () => {
  it("a manager replies from the item; the reply is kept, a mailto: is prepared, the item is contacted", async () => {
    const manager = await createUser("manager", "Rene");
    const survey = await createSurvey(`Reply ${suffix}`);
    await upsertAccounts([{ externalId: `REPLY-${suffix}`, name: `Reply Co ${suffix}`, segment: "smb", managerUserId: manager.id }]);
    const detractor = await answer(survey.id, 2, `REPLY-${suffix}`, "Invoices <b>wrong</b> again");
    const page = await englishPage(browser());
    await page.goto(`${base()}/admin/login`);
    await login(page, manager.email);
    await page.goto(`${base()}/admin/comments?survey=${survey.id}`);
    const item = page.locator(`li[data-response="${detractor.id}"]`);
    // The first load can be slow on a busy machine: wait for the list itself.
    await expect.poll(() => item.locator(".comment-text").textContent(), { timeout: 15_000 }).toBe("Invoices <b>wrong</b> again");

    const form = item.getByRole("form", { name: /^Reply to ct-.*@client\.test$/ });
    await form.getByLabel("Subject").fill("Your invoices");
    await form.getByLabel("Your message to the respondent").fill("Hello,\nwe fixed the <invoice> bug & credited you.\nRene");
    await form.getByRole("button", { name: "Send reply" }).click();

    await expect.poll(() => form.getByTestId("reply-result").textContent()).toContain("No e-mail service is configured");
    const href = (await form.getByTestId("reply-mailto").getAttribute("href"))!;
    expect(href).toMatch(
      /^mailto:ct-[a-z0-9]+@client\.test\?subject=Your%20invoices&body=Hello%2C%0D%0Awe%20fixed%20the%20%3Cinvoice%3E%20bug%20%26%20credited%20you\.%0D%0ARene$/,
    );

    // Kept on the item, as text, marked as a reply; the item is now contacted.
    const reply = item.locator(".notes li.reply");
    await expect.poll(() => reply.count()).toBe(1);
    expect(await reply.locator("p").textContent()).toBe("Hello,\nwe fixed the <invoice> bug & credited you.\nRene");
    expect(await reply.textContent()).toContain("Reply · via mail app");
    expect(await item.locator(".notes invoice, .comment-text b").count()).toBe(0);
    // SCREENSHOTS=1 refreshes the picture in docs/ADMIN.md.
    if (process.env.SCREENSHOTS === "1") await item.screenshot({ path: "docs/screenshots/followup-reply.png" });
    const fu = await adminApi(`/api/v1/followups/${detractor.id}`);
    expect(fu.body.status).toBe("contacted");
    expect(fu.body.notes.at(-1)).toMatchObject({ kind: "reply", delivery: "mailto", authorUserId: manager.id });
    await page.context().close();
  });

  it("a session that expires while a reply is being typed: the draft comes back after signing in again", async () => {
    const manager = await createUser("manager", "Dora");
    const survey = await createSurvey(`Draft ${suffix}`);
    await upsertAccounts([{ externalId: `DRAFT-${suffix}`, name: `Draft Co ${suffix}`, segment: "smb", managerUserId: manager.id }]);
    const detractor = await answer(survey.id, 4, `DRAFT-${suffix}`, "Too slow");
    const page = await englishPage(browser());
    await page.goto(`${base()}/admin/login`);
    await login(page, manager.email);
    await page.goto(`${base()}/admin/comments?survey=${survey.id}`);
    const item = page.locator(`li[data-response="${detractor.id}"]`);
    const text = "Dear client,\nwe are on it — a long answer I do not want to type twice.";
    await item.getByLabel("Your message to the respondent").waitFor({ timeout: 15_000 });
    await item.getByLabel("Your message to the respondent").fill(text);
    await item.getByLabel("Subject").fill("Speed");

    // The session ends (expired, or signed out elsewhere): sending meets a 401.
    await page.context().clearCookies();
    await item.getByRole("button", { name: "Send reply" }).click();
    await page.waitForURL(/\/admin\/login/);
    await login(page, manager.email);
    await page.waitForURL(/\/admin\/comments/);

    const again = page.locator(`li[data-response="${detractor.id}"]`);
    await expect.poll(() => again.getByLabel("Your message to the respondent").inputValue(), { timeout: 15_000 }).toBe(text);
    expect(await again.getByLabel("Subject").inputValue()).toBe("Speed");
    expect(await page.getByTestId("draft-restored").textContent()).toContain("2 fields");
    // The page's state follows the restored text: sending works without retyping.
    await again.getByRole("button", { name: "Send reply" }).click();
    await expect.poll(async () => (await adminApi(`/api/v1/followups/${detractor.id}`)).body.notes.at(-1)?.body).toBe(text);
    // Nothing is kept once restored.
    expect(await page.evaluate(() => sessionStorage.getItem("bm.drafts"))).toBeNull();
    await page.context().close();
  });
});
