/** The link survey page and email score links, in Debian's Chromium and through plain fetch. */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { launchBrowser } from "./browser";
import { responsesOf, surveyWith, waitForResponses } from "./widget-host";
import { networkQuiet } from "./settle";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("the link survey page", () => {
  it("works with JavaScript disabled: a plain form post records score and comment", async () => {
    const s = await surveyWith({ defaultLocale: "fr" });
    const ctx = await browser.newContext({ javaScriptEnabled: false, locale: "fr-FR" });
    const page = await ctx.newPage();
    await page.goto(`${inject("baseUrl")}/s/${s.id}`);
    await page.locator("label[for=s8]").click();
    expect(await page.getByRole("radio", { name: "8" }).isChecked()).toBe(true);
    // Absence: with no script, only a form post could record; none left while the network was quiet.
    await networkQuiet(page);
    expect(await responsesOf(s.id)).toHaveLength(0); // no script ran: only the form post records
    await page.getByRole("textbox").fill("Bon produit, support un peu lent");
    await page.getByRole("button", { name: "Envoyer" }).click();
    await page.getByText("Merci pour votre retour !").waitFor();
    const rows = await responsesOf(s.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ score: 8, comment: "Bon produit, support un peu lent", channel: "link", locale: "fr" });
    await ctx.close();
  });

  it("tells the person to pick a score when they submit without one (no JavaScript)", async () => {
    const s = await surveyWith({});
    const ctx = await browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${inject("baseUrl")}/s/${s.id}`);
    await page.getByRole("textbox").fill("No score");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("textbox").inputValue()).toBe("No score");
    expect(await responsesOf(s.id)).toHaveLength(0);
    await ctx.close();
  });
});

describe("email score links", () => {
  it("record nothing when fetched without a browser (as email security scanners do)", async () => {
    const s = await surveyWith({});
    const snippet = await fetch(`${inject("baseUrl")}/api/v1/surveys/${s.id}/email-snippet`, {
      headers: { authorization: `Bearer ${inject("adminKey")}` },
    }).then((r) => r.json());
    // A scanner follows every link of the message, and whatever they link to.
    for (const { url } of snippet.links) {
      const res = await fetch(url, { headers: { "user-agent": "Mozilla/5.0 (compatible; LinkScanner)" } });
      expect(res.status).toBe(200);
      const page = await res.text();
      const script = /<script src="([^"]+)"/.exec(page)![1]!;
      expect((await fetch(new URL(script, url))).status).toBe(200);
    }
    // Absence: every request above has been answered, and these GETs write nothing after
    // answering (no waitUntil on the link page's GET); the next round trip sees the result.
    expect(await responsesOf(s.id)).toHaveLength(0);
  });

  it("record the score once a person moves the pointer; the comment completes the same response", async () => {
    const s = await surveyWith({});
    const page = await browser.newPage();
    await page.goto(`${inject("baseUrl")}/s/${s.id}?score=4`);
    // Worded for a detractor from the start, and recorded without any click, once a person shows.
    await page.getByLabel("We're sorry to hear that. What went wrong?").waitFor();
    await page.mouse.move(30, 30);
    const [first] = await waitForResponses(s.id, (r) => r.length === 1);
    expect(first).toMatchObject({ score: 4, channel: "email", comment: null });
    // Changing the score rewords the follow-up and updates the same response.
    await page.locator("label[for=s9]").click();
    await page.getByLabel("Great! What do you like most?").waitFor();
    await page.getByRole("textbox").fill("Changed my mind, it is great");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("Thank you for your feedback!").waitFor();
    const rows = await responsesOf(s.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: first.id, score: 9, comment: "Changed my mind, it is great" });
    await page.close();
  });
});
