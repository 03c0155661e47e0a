import { describe, expect, inject, it } from "vitest";
import { adminApi } from "./api";
import { launchBrowser } from "./browser";

describe("e2e rig", () => {
  it("serves the API from wrangler dev and drives Debian's Chromium", async () => {
    const created = await adminApi("/api/v1/surveys", { body: { name: "Rig", kind: "nps" } });
    expect(created.status).toBe(201);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const res = await page.goto(`${inject("baseUrl")}/api/v1/surveys/${created.body.id}/metrics`);
      expect(res?.status()).toBe(401);
    } finally {
      await browser.close();
    }
  });
});
