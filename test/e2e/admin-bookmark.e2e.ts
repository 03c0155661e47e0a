/**
 * Read-your-writes across reloads and tabs (docs/SCALING.md, "Reads that scale out"): the admin
 * page sends back the newest D1 bookmark it was given, so a replica never serves it rows older
 * than its own last save. The bookmark lived in the page's memory only: after a reload (the usual
 * "did it save?" F5) or in a second tab, the first reads went to any replica, which may not have
 * the save yet. Here, in Chromium against the real Worker: a save, then a reload and a new tab,
 * whose first API requests must carry a bookmark at least as recent as the save's.
 */
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { adminApi } from "./api";
import { createSurvey, createUser, englishPage, login, sharedBrowser } from "./admin-helpers";

const browser = sharedBrowser();
const suffix = Math.random().toString(36).slice(2, 8);
const BOOKMARK = "x-d1-bookmark";

/** The bookmark header of every API request the page sends from now on, in order ("" when none). */
function sentBookmarks(page: Page): string[] {
  const sent: string[] = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/api/")) sent.push(r.headers()[BOOKMARK] ?? "");
  });
  return sent;
}

describe("admin page: D1 bookmarks", () => {
  it("sends the newest bookmark after a reload and from a second tab", async () => {
    const admin = await createUser("admin", "Bookmarks");
    const survey = await createSurvey(`Bookmark survey ${suffix}`);
    const goal = await adminApi("/api/v1/goals", {
      body: { name: `Bookmark ${suffix}`, metric: "nps", surveyId: survey.id, target: 40, deadline: "2040-06-30" },
    });
    expect(goal.status).toBe(201);
    const page = await englishPage(browser());
    await login(page, admin.email);
    await page.goto(`${inject("baseUrl")}/admin/goals`);
    const item = page.locator("li.goal", { hasText: `Bookmark ${suffix}` });
    await item.getByRole("button", { name: `Edit Bookmark ${suffix}` }).click();
    const form = page.getByRole("form", { name: `Edit Bookmark ${suffix}` });
    await form.getByLabel("Target").fill("45");
    const write = page.waitForResponse((r) => r.url().includes(`/api/v1/goals/${goal.body.id}`) && r.request().method() === "PATCH");
    await form.getByRole("button", { name: "Save" }).click();
    const written = await write;
    expect(written.status()).toBe(200);
    const afterSave = (await written.headerValue(BOOKMARK))!;
    expect(afterSave).toMatch(/^[0-9a-f-]+$/i);
    await page.waitForLoadState("networkidle");

    const sent = sentBookmarks(page);
    await page.reload();
    await page.waitForLoadState("networkidle");
    expect(sent.length).toBeGreaterThan(0);
    expect(sent[0]! >= afterSave, `first request after the reload sent "${sent[0]}"`).toBe(true);

    const tab = await page.context().newPage();
    const sentByTab = sentBookmarks(tab);
    await tab.goto(`${inject("baseUrl")}/admin/`);
    await tab.waitForLoadState("networkidle");
    expect(sentByTab.length).toBeGreaterThan(0);
    expect(sentByTab[0]! >= afterSave, `first request of the new tab sent "${sentByTab[0]}"`).toBe(true);
    await page.context().close();
  });
});
