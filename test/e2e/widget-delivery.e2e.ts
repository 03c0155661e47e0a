/** Nothing is lost: answers wait in the widget's outbox while the network or the Worker is down. */
import { describe, expect, it } from "vitest";
import { responsesOf, surveyWith, waitForResponses, useBrowserAndHost } from "./widget-host";

const bed = useBrowserAndHost();

describe("the widget delivers late", () => {
  it("keeps the comment while the network is down and delivers it once it is back", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin] });
    const ctx = await bed.browser.newContext();
    const page = await ctx.newPage();
    await page.goto(bed.host.page(`/offline-${s.id}`, s.id));
    await page.getByRole("radio", { name: "7" }).click();
    const [first] = await waitForResponses(s.id, (r) => r.length === 1);
    await ctx.setOffline(true);
    await page.getByRole("textbox").fill("Exports are slow");
    // The widget tries at once, offline: wait for that attempt to fail, then look at its outbox.
    const failed = page.waitForEvent("requestfailed", (r) => /\/responses$/.test(r.url()));
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("Thank you for your feedback!").waitFor();
    await failed;
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem("bm_q") || "[]").length);
    expect(queued).toBe(1);
    expect((await responsesOf(s.id))[0].comment).toBeNull();
    await ctx.setOffline(false);
    const rows = await waitForResponses(s.id, (r) => r[0]?.comment === "Exports are slow");
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(first.id);
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem("bm_q") || "[]").length)).toBe(0);
    await ctx.close();
  });

  it("delivers on the next page load what a failing Worker refused before", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin] });
    const ctx = await bed.browser.newContext();
    const page = await ctx.newPage();
    // The Worker is down (503) for every answer this page sends.
    await page.route(/\/responses$/, (route) => route.fulfill({ status: 503, body: "down" }));
    const url = bed.host.page(`/down-${s.id}`, s.id);
    await page.goto(url);
    const refused = page.waitForResponse((r) => /\/responses$/.test(r.url()) && r.status() === 503);
    await page.getByRole("radio", { name: "10" }).click();
    await page.getByRole("textbox").fill("Love it");
    await page.getByRole("button", { name: "Send" }).click();
    // Absence: every POST to /responses is answered by the route above, so none reaches the
    // Worker; the first refusal proves the widget did try.
    await refused;
    expect(await responsesOf(s.id)).toHaveLength(0);
    await page.unrouteAll({ behavior: "ignoreErrors" });
    await page.goto(`${url}?later`);
    const rows = await waitForResponses(s.id, (r) => r.length === 1 && r[0].comment === "Love it");
    expect(rows[0].score).toBe(10);
    await ctx.close();
  });
});
