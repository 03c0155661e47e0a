/**
 * The link page's trust rules in Debian's Chromium, reached from a customer's page on another
 * origin: it saves answers whatever the widget's allowed origins are, Back never makes a second
 * answer, a score link records nothing until a person shows up, and an old invitation link
 * cannot rewrite a closed round.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { responsesOf, surveyWith, useBrowserAndHost, waitForResponses } from "./widget-host";
import { networkQuiet, recordRequests } from "./settle";

const bed = useBrowserAndHost();

/** Writes straight into the e2e Worker's local D1 (invitations come from the cron otherwise). */
function sql(command: string) {
  execFileSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", inject("persistDir"), "--command", command], {
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" },
    stdio: "ignore",
  });
}

/** Opens the customer's page and follows its "rate us" link to the survey. */
async function fromHost(page: Page, surveyId: string, query: string) {
  const link = `${inject("baseUrl")}/s/${surveyId}${query}`;
  // data-auto=false: the page embeds the widget too, but only the link is under test here.
  await page.goto(bed.host.page(`/p-${surveyId}`, surveyId, { attrs: ' data-auto="false"', html: `<a id="rate" href="${link}">Rate us</a>` }));
  await page.locator("#rate").click();
  await page.waitForURL(/\/s\//);
}

describe("the link page on a survey with allowed origins", () => {
  it("saves score and comment (JavaScript on)", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin] });
    const page = await bed.browser.newPage();
    await fromHost(page, s.id, "?score=9");
    await page.getByRole("textbox").fill("Quick and friendly");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("Thank you for your feedback!").waitFor();
    const rows = await responsesOf(s.id);
    expect(rows).toMatchObject([{ score: 9, comment: "Quick and friendly", channel: "email" }]);
    await page.close();
  });

  it("saves score and comment (JavaScript off)", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin] });
    const ctx = await bed.browser.newContext({ javaScriptEnabled: false });
    const page = await ctx.newPage();
    await fromHost(page, s.id, "");
    await page.locator("label[for=s7]").click();
    await page.getByRole("textbox").fill("Works without scripts");
    await page.getByRole("button", { name: "Send" }).click();
    await page.getByText("Thank you for your feedback!").waitFor();
    expect(await responsesOf(s.id)).toMatchObject([{ score: 7, comment: "Works without scripts", channel: "link" }]);
    await ctx.close();
  });
});

describe("Back on the link page", () => {
  for (const javaScriptEnabled of [false, true]) {
    it(`updates the same answer when sent again (JavaScript ${javaScriptEnabled ? "on" : "off"})`, async () => {
      const s = await surveyWith({ allowedOrigins: [bed.host.origin] });
      const ctx = await bed.browser.newContext({ javaScriptEnabled });
      const page = await ctx.newPage();
      await fromHost(page, s.id, "");
      await page.locator("label[for=s3]").click();
      await page.getByRole("textbox").fill("Slow");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByText("Thank you for your feedback!").waitFor();
      await page.goBack();
      await page.locator("label[for=s4]").click();
      await page.getByRole("textbox").fill("Slow, but improving");
      await page.getByRole("button", { name: "Send" }).click();
      await page.getByText("Thank you for your feedback!").waitFor();
      const rows = await waitForResponses(s.id, (r) => r.length >= 1 && r[0].score === 4);
      expect(rows).toMatchObject([{ score: 4, comment: "Slow, but improving" }]);
      await ctx.close();
    });
  }
});

describe("a score link opened by a headless browser (an email scanner)", () => {
  it("records nothing while no person shows up", async () => {
    const s = await surveyWith({});
    const page = await bed.browser.newPage();
    const writes = recordRequests(page, /\/responses$/);
    await page.goto(`${inject("baseUrl")}/s/${s.id}?score=9`, { waitUntil: "networkidle" });
    expect(await page.getByRole("radio", { name: "9" }).isChecked()).toBe(true);
    // Absence: the script has run (it rewords nothing yet, but it listens); it sends nothing
    // while the network stays quiet, and no request to record an answer ever left the page.
    await networkQuiet(page, 1000);
    expect(writes).toEqual([]);
    expect(await responsesOf(s.id)).toHaveLength(0);
    await page.close();
  });

  it("records the preselected score once a pointer moves", async () => {
    const s = await surveyWith({});
    const page = await bed.browser.newPage();
    await page.goto(`${inject("baseUrl")}/s/${s.id}?score=9`, { waitUntil: "networkidle" });
    await page.mouse.move(40, 40);
    await page.mouse.move(80, 90);
    const rows = await waitForResponses(s.id, (r) => r.length === 1);
    expect(rows[0]).toMatchObject({ score: 9, comment: null, channel: "email" });
    await page.close();
  });
});

describe("an invitation link after its round has closed", () => {
  it("shows that the round has closed and keeps the answer given", async () => {
    const s = await surveyWith({});
    const tag = crypto.randomUUID().slice(0, 8);
    const token = crypto.randomUUID().replaceAll("-", "");
    const now = Date.now();
    sql(
      `INSERT INTO contacts (id, email, created_at, updated_at) VALUES ('ctc_${tag}', '${tag}@example.com', ${now}, ${now});
       INSERT INTO waves (id, survey_id, period, opens_at, closes_at, status, created_at) VALUES ('wav_${tag}', '${s.id}', '${tag}', ${now - 864e5}, ${now + 864e5}, 'open', ${now});
       INSERT INTO invitations (id, wave_id, survey_id, contact_id, token, status, created_at) VALUES ('inv_${tag}', 'wav_${tag}', '${s.id}', 'ctc_${tag}', '${token}', 'sent', ${now});`,
    );
    const page = await bed.browser.newPage();
    await fromHost(page, s.id, `?t=${token}&score=7`);
    await page.mouse.move(50, 50);
    await waitForResponses(s.id, (r) => r.length === 1 && r[0].score === 7);
    sql(`UPDATE waves SET status = 'closed', closed_at = ${Date.now()} WHERE id = 'wav_${tag}'`);
    await fromHost(page, s.id, `?t=${token}&score=2`);
    await page.getByText("This survey round has closed").waitFor();
    await page.mouse.move(60, 60);
    expect(await page.locator("form").count()).toBe(0);
    expect(await responsesOf(s.id)).toMatchObject([{ score: 7 }]);
    await page.close();
  });
});
