/**
 * Walking the admin page's screens again and again never leaves one on its spinner. This caught a
 * store subscription race (a change landing between a render and its subscription was lost:
 * web/admin/src/store.ts), which showed up about once in forty page loads.
 */
import { describe, expect, inject, it } from "vitest";
import type { Request } from "playwright-core";
import { createSurvey, createUser, login } from "./admin-helpers";
import { launchBrowser } from "./browser";

describe("admin page: navigation", () => {
  it("never leaves a page loading, over forty page loads", async () => {
    const admin = await createUser("admin", "Nav");
    const survey = await createSurvey("Navigation");
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const pending = new Set<Request>();
      page.on("request", (r) => pending.add(r));
      page.on("requestfinished", (r) => pending.delete(r));
      page.on("requestfailed", (r) => pending.delete(r));
      await login(page, admin.email);
      const stuck: string[] = [];
      for (let round = 0; round < 8; round++) {
        for (const path of ["/", "/retention", "/accounts", "/comments", "/surveys"]) {
          await page.goto(`${inject("baseUrl")}/admin${path}?survey=${survey.id}`);
          try {
            await expect.poll(() => page.locator(".loading").count(), { timeout: 8_000 }).toBe(0);
          } catch {
            stuck.push(`${path} (requests in flight: ${[...pending].map((r) => r.url()).join(", ") || "none"})`);
          }
        }
      }
      expect(stuck).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 180_000);
});
