/** Who may answer through the widget: allowed origins only, and verified identities only. */
import { describe, expect, inject, it } from "vitest";
import { createHmac } from "node:crypto";
import { responsesOf, settingsLoaded, surveyWith, waitForResponses, useBrowserAndHost } from "./widget-host";
import { networkQuiet } from "./settle";
import { adminApi } from "./api";

const bed = useBrowserAndHost();

describe("the widget refuses", () => {
  it("is refused on an origin the survey does not allow", async () => {
    const s = await surveyWith({ allowedOrigins: ["https://app.example.com"] });
    const page = await bed.browser.newPage();
    const loaded = settingsLoaded(page, s.id);
    await page.goto(bed.host.page(`/refused-${s.id}`, s.id));
    await loaded;
    const asked = settingsLoaded(page, s.id);
    await page.evaluate(() => (window as any).Barometre.show());
    // Absence: show() asked again and was refused; after a quiet network the widget has decided.
    await asked;
    await networkQuiet(page);
    expect(await page.getByRole("radiogroup").count()).toBe(0);
    // Even a hand-made request from that page is refused.
    const status = await page.evaluate(
      async (api) => {
        try {
          const r = await fetch(api, { method: "POST", body: JSON.stringify({ id: crypto.randomUUID(), score: 1 }) });
          return r.status;
        } catch {
          return "blocked";
        }
      },
      `${inject("baseUrl")}/api/v1/surveys/${s.id}/responses`,
    );
    expect(status).toBe("blocked");
    expect(await responsesOf(s.id)).toHaveLength(0);
    await page.close();
  });

  it("refuses a forged identity signature and accepts the one the client's server computed", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin], requireSignature: true });
    const forged = createHmac("sha256", "guessed-secret").update("victim").digest("hex");
    const page = await bed.browser.newPage();
    const loaded = settingsLoaded(page, s.id);
    await page.goto(bed.host.page(`/forged-${s.id}`, s.id, { before: `Barometre=[["identify",{id:"victim",signature:"${forged}"}]];` }));
    expect(((await loaded) as any).status()).toBe(403);
    await networkQuiet(page); // absence: the refusal is in and the widget has had its say
    expect(await page.getByRole("radiogroup").count()).toBe(0);
    await page.close();

    const good = createHmac("sha256", s.signingSecret).update("victim").digest("hex");
    const ok = await bed.browser.newPage();
    await ok.goto(bed.host.page(`/signed-${s.id}`, s.id, { before: `Barometre=[["identify",{id:"victim",signature:"${good}"}]];` }));
    await ok.getByRole("radio", { name: "6" }).click();
    const rows = await waitForResponses(s.id, (r) => r.length === 1);
    expect(rows[0].contactId).toMatch(/^ctc_/);
    await ok.close();
  });

  it("drops an e-mail the API would refuse instead of hiding the survey from the person identified beside it", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin] });
    const who = { id: `dots-${s.id}`, email: "first..last@example.test" };
    const page = await bed.browser.newPage();
    const loaded = settingsLoaded(page, s.id);
    await page.goto(bed.host.page(`/dots-${s.id}`, s.id, { before: `Barometre=[["identify",${JSON.stringify(who)}]];` }));
    expect(((await loaded) as any).status()).toBe(200);
    await page.getByRole("radio", { name: "8" }).click();
    const rows = await waitForResponses(s.id, (r) => r.length === 1);
    const contact = await adminApi(`/api/v1/contacts/${rows[0].contactId}`);
    expect(contact.body).toMatchObject({ externalId: who.id, email: null });
    await page.close();
  });

  it("never loses an answer to text the API would refuse: a name with a line break, traits with control characters or cut emoji, a comment with a vertical tab", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin] });
    const who = {
      id: `odd-${s.id}`,
      name: "Ann\nMartin",
      traits: { bio: `${"x".repeat(499)}😀`, "k\u0001": "v\u001b!" },
    };
    const page = await bed.browser.newPage();
    await page.goto(bed.host.page(`/odd-${s.id}`, s.id, { before: `Barometre=[["identify",${JSON.stringify(who)}]];` }));
    await page.getByRole("radio", { name: "3" }).click();
    const [first] = await waitForResponses(s.id, (r) => r.length === 1);
    expect(first.score).toBe(3);
    await page.getByRole("textbox").fill("slow\u000bvery slow");
    await page.getByRole("button", { name: "Send" }).click();
    const rows = await waitForResponses(s.id, (r) => r[0]?.comment !== null);
    expect(rows[0].comment).toBe("slow very slow");
    const contact = await adminApi(`/api/v1/contacts/${rows[0].contactId}`);
    expect(contact.body).toMatchObject({ externalId: who.id, name: "Ann Martin" });
    await page.close();
  });

  it("shows itself to a person identified with the full claim, and files their answer under the signed account", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin], requireSignature: true });
    const ext = `fullclaim-${s.id}`;
    const made = await adminApi("/api/v1/accounts/bulk", {
      body: { accounts: [{ externalId: ext, name: "Full Claim Ltd", startedOn: "2025-01-01" }] },
    });
    expect(made.status).toBe(200);
    const accountId = made.body.results[0].id;
    const who = { id: `u-${s.id}`, email: `u-${s.id.slice(4).toLowerCase()}@example.test`, account: ext };
    const signature = createHmac("sha256", s.signingSecret).update(`${who.id}\n${who.email}\n${who.account}`).digest("hex");
    const page = await bed.browser.newPage();
    const loaded = settingsLoaded(page, s.id);
    await page.goto(bed.host.page(`/full-${s.id}`, s.id, { before: `Barometre=[["identify",${JSON.stringify({ ...who, signature })}]];` }));
    expect(((await loaded) as any).status()).toBe(200);
    await page.getByRole("radio", { name: "4" }).click();
    const rows = await waitForResponses(s.id, (r) => r.length === 1);
    expect(rows[0]).toMatchObject({ score: 4, accountId });
    await page.close();
  });
});
