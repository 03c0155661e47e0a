/**
 * Replying to a detractor from the follow-up item (issue "Close the loop", point 4), in Chromium
 * against the real Worker (no email API configured in the browser tests): the reply is kept on the
 * item, a mailto: link is prepared for the manager's mail app, the item becomes "contacted", and
 * the respondent's text and the reply stay text.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { adminApi } from "./api";
import { launchBrowser } from "./browser";
import { answer, createSurvey, createUser, englishPage, login, upsertAccounts } from "./admin-helpers";

let browser: Browser;
const base = () => inject("baseUrl");
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("close the loop: reply to the respondent", () => {
  it("a manager replies from the item; the reply is kept, a mailto: is prepared, the item is contacted", async () => {
    const manager = await createUser("manager", "Rene");
    const survey = await createSurvey(`Reply ${suffix}`);
    await upsertAccounts([{ externalId: `REPLY-${suffix}`, name: `Reply Co ${suffix}`, segment: "smb", managerUserId: manager.id }]);
    const detractor = await answer(survey.id, 2, `REPLY-${suffix}`, "Invoices <b>wrong</b> again");
    const page = await englishPage(browser);
    await page.goto(`${base()}/admin/login`);
    await login(page, manager.email);
    await page.goto(`${base()}/admin/comments?survey=${survey.id}`);
    const item = page.locator(`li[data-response="${detractor.id}"]`);
    await expect.poll(() => item.locator(".comment-text").textContent()).toBe("Invoices <b>wrong</b> again");

    const form = item.getByRole("form", { name: /^Reply to ct-.*@client\.test$/ });
    await form.getByLabel("Subject").fill("Your invoices");
    await form.getByLabel("Your message to the respondent").fill("Hello,\nwe fixed the <invoice> bug & credited you.\nRene");
    await form.getByRole("button", { name: "Send reply" }).click();

    await expect.poll(() => form.getByTestId("reply-result").textContent()).toContain("No e-mail service is configured");
    const href = (await form.getByTestId("reply-mailto").getAttribute("href"))!;
    expect(href).toMatch(/^mailto:ct-[a-z0-9]+@client\.test\?subject=Your%20invoices&body=Hello%2C%0D%0Awe%20fixed%20the%20%3Cinvoice%3E%20bug%20%26%20credited%20you\.%0D%0ARene$/);

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
});
