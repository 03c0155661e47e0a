/**
 * The widget in Debian's Chromium: a host page on one origin (a tiny node server) embeds
 * /embed.js from wrangler dev on another; answers are checked in D1 through the admin API.
 */
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { adminApi } from "./api";
import { responsesOf, settingsLoaded, surveyWith, waitForResponses, useBrowserAndHost } from "./widget-host";
import { networkQuiet, recordRequests } from "./settle";

const bed = useBrowserAndHost();

/** Tabs from the top of the page until a score radio of the widget has the focus. */
async function tabToScale(page: Page) {
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    const role = await page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.getAttribute("role"));
    if (role === "radio") return;
  }
  throw new Error("the keyboard never reached the score scale");
}

describe("the embedded widget", () => {
  it("is answered with the keyboard: score then comment make one response; a reload does not ask again", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin] });
    const url = bed.host.page(`/kbd-${s.id}`, s.id, {
      before: `(window.Barometre=window.Barometre||[]).push(["on","response",function(e){__events.push(e)}]);`,
    });
    const page = await bed.browser.newPage();
    await page.goto(url);
    const scale = page.getByRole("radiogroup");
    await scale.waitFor();
    await expect(scale.getAttribute("aria-labelledby")).resolves.toBe("q");
    expect(await page.getByRole("radio").count()).toBe(11);
    await expect(page.getByRole("radio", { name: "0, Not likely" }).count()).resolves.toBe(1);
    await expect(page.getByRole("radio", { name: "10, Very likely" }).count()).resolves.toBe(1);

    await tabToScale(page);
    for (let i = 0; i < 9; i++) await page.keyboard.press("ArrowRight");
    // Moving through the scale chooses nothing; Space does.
    expect(await page.locator("[aria-checked=true]").count()).toBe(0);
    await page.keyboard.press("Space");
    expect(await page.getByRole("radio", { name: "9" }).getAttribute("aria-checked")).toBe("true");
    // The score is stored at once, before any comment.
    const first = await waitForResponses(s.id, (r) => r.length === 1);
    expect(first[0]).toMatchObject({ score: 9, comment: null, channel: "widget", locale: "en" });

    // Focus moved to the follow-up, worded for a promoter.
    await expect(page.getByLabel("Great! What do you like most?").count()).resolves.toBe(1);
    await page.keyboard.type("The reports save me hours");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByText("Thank you for your feedback!").waitFor();

    const rows = await waitForResponses(s.id, (r) => r[0]?.comment != null);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first[0].id, score: 9, comment: "The reports save me hours", channel: "widget" });
    const events = await page.evaluate(() => (window as any).__events);
    expect(events).toEqual([
      { id: first[0].id, score: 9 },
      { id: first[0].id, score: 9, comment: "The reports save me hours" },
    ]);

    const reloaded = settingsLoaded(page, s.id);
    await page.reload();
    await reloaded;
    // Absence: the settings answer is in; once the network has been quiet, the widget has decided.
    await networkQuiet(page);
    expect(await page.getByRole("radiogroup").count()).toBe(0);
    expect(await responsesOf(s.id)).toHaveLength(1);
    await page.close();
  });

  it("adapts to a CSAT survey: five scores, ends named, follow-up worded for the middle", async () => {
    const s = await surveyWith({ kind: "csat", allowedOrigins: [bed.host.origin], defaultLocale: "fr" });
    const page = await bed.browser.newPage();
    await page.goto(bed.host.page(`/csat-${s.id}`, s.id, { lang: "fr" }));
    await page.getByRole("radiogroup").waitFor();
    expect(await page.getByRole("radio").allInnerTexts()).toEqual(["1", "2", "3", "4", "5"]);
    await expect(page.getByRole("radio", { name: "1, Très insatisfait" }).count()).resolves.toBe(1);
    await expect(page.getByRole("radio", { name: "5, Très satisfait" }).count()).resolves.toBe(1);
    await page.getByRole("radio", { name: "3", exact: true }).click();
    await page.getByLabel("Qu'est-ce qui le rendrait meilleur ?").waitFor();
    const rows = await waitForResponses(s.id, (r) => r.length === 1);
    expect(rows[0]).toMatchObject({ score: 3, locale: "fr" });
    await page.close();
  });

  it("with data-auto=false waits for show(); hide() closes without a dismissal", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin] });
    const page = await bed.browser.newPage();
    await page.goto(bed.host.page(`/manual-${s.id}`, s.id, { attrs: ' data-auto="false"' }));
    const writes = recordRequests(page, /\/(responses|dismissals)$/);
    await page.waitForFunction(() => typeof (window as any).Barometre?.show === "function");
    // Absence: an automatic start would fetch the settings; a quiet network means none began.
    await networkQuiet(page);
    expect(await page.getByRole("radiogroup").count()).toBe(0);
    await page.evaluate(() => (window as any).Barometre.show());
    await page.getByRole("radiogroup").waitFor();
    await page.evaluate(() => (window as any).Barometre.hide());
    expect(await page.getByRole("radiogroup").count()).toBe(0);
    // Absence: a dismissal would be a request; wait for the network to be quiet, then look.
    await networkQuiet(page);
    const queued = await page.evaluate(() => localStorage.getItem("bm_q"));
    expect(queued === null || queued === "[]").toBe(true); // nothing was sent, not even a dismissal
    expect(writes).toEqual([]);
    await page.close();
  });

  it("asks an identified person only once, in any browser: the server remembers the answer", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin], defaultLocale: "fr" });
    const who = `{id:"u-${s.id}",email:"ann@example.com",name:"Ann",account:"acme",traits:{plan:"pro"}}`;
    const url = bed.host.page(`/id-${s.id}`, s.id, { lang: "fr", before: `(window.Barometre=window.Barometre||[]).push(["identify",${who}]);` });
    const one = await bed.browser.newContext();
    const page = await one.newPage();
    await page.goto(url);
    await page.getByRole("radio", { name: "3" }).click();
    await page.getByLabel("Nous en sommes désolés. Qu'est-ce qui n'a pas fonctionné ?").waitFor();
    const rows = await waitForResponses(s.id, (r) => r.length === 1);
    expect(rows[0].contactId).toMatch(/^ctc_/);
    expect(rows[0].locale).toBe("fr");
    await one.close();

    const two = await bed.browser.newContext(); // fresh localStorage: only the server knows
    const again = await two.newPage();
    const loaded = settingsLoaded(again, s.id);
    await again.goto(url);
    const res = await loaded;
    expect(await (res as any).json()).toMatchObject({ show: false, reason: "answered" });
    await networkQuiet(again); // absence: the verdict is in and the widget has had its say
    expect(await again.getByRole("radiogroup").count()).toBe(0);
    await two.close();
  });

  it("waits data-delay seconds, so an identify() made after load decides whether to ask", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin] });
    const answered = await adminApi(`/api/v1/surveys/${s.id}/responses`, {
      body: { id: crypto.randomUUID(), score: 10, contact: { id: `late-${s.id}` } },
    });
    expect(answered.status).toBe(201);
    const page = await bed.browser.newPage();
    const loaded = settingsLoaded(page, s.id);
    await page.goto(bed.host.page(`/late-${s.id}`, s.id, { attrs: ' data-delay="1"' }));
    await page.waitForFunction(() => typeof (window as any).Barometre?.identify === "function");
    await page.evaluate((id) => (window as any).Barometre.identify({ id }), `late-${s.id}`);
    const res = await loaded;
    expect(res.url()).toContain(`uid=late-${s.id}`);
    expect(await (res as any).json()).toMatchObject({ show: false, reason: "answered" });
    await networkQuiet(page); // absence: the verdict is in and the widget has had its say
    expect(await page.getByRole("radiogroup").count()).toBe(0);
    await page.close();
  });

  it("records a dismissal when closed (Escape) and does not ask that person again", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin] });
    const url = bed.host.page(`/close-${s.id}`, s.id, {
      before: `(window.Barometre=window.Barometre||[]).push(["identify",{id:"closer-${s.id}"}]);`,
    });
    const ctx = await bed.browser.newContext();
    const page = await ctx.newPage();
    await page.goto(url);
    await page.getByRole("button", { name: "Close" }).waitFor();
    // Escape from inside the card is the close button, for keyboard users.
    await tabToScale(page);
    await page.keyboard.press("Escape");
    expect(await page.getByRole("radiogroup").count()).toBe(0);
    const other = await bed.browser.newContext();
    const p2 = await other.newPage();
    const deadline = Date.now() + 10_000;
    let reason = null;
    while (Date.now() < deadline && reason !== "dismissed") {
      const loaded = settingsLoaded(p2, s.id);
      await p2.goto(`${url}?${Date.now()}`);
      reason = (await ((await loaded) as any).json()).reason;
    }
    expect(reason).toBe("dismissed");
    expect(await responsesOf(s.id)).toHaveLength(0);
    await ctx.close();
    await other.close();
  });
});
