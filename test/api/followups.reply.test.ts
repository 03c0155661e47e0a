/**
 * Replying to the respondent from a follow-up item (issue "Close the loop", point 4): through the
 * email API when configured, a prepared mailto: otherwise; kept on the item; only who may act on
 * the item; rate-limited; escaped; no header injection.
 */
import { createExecutionContext, env } from "cloudflare:test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { app } from "../../worker/app";
import { mailtoLink, replyMessage, REPLY_LIMIT } from "../../worker/services/followupReply";
import { ADMIN, api } from "../helpers";
import { makeWorld, type World } from "../scope-helpers";

let w: World;
beforeAll(async () => {
  w = await makeWorld();
});
afterEach(() => vi.restoreAllMocks());

const reply = (id: string, headers: Record<string, string>, body: unknown) => api(`/api/v1/followups/${id}/reply`, { headers, body });

/** The Worker with an email API configured, its sends captured. */
async function withMail(path: string, headers: Record<string, string>, body: unknown, status = 202) {
  const sent: { headers: Headers; body: any }[] = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.startsWith("https://mail.example.test/")) {
      sent.push({ headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) });
      return new Response("{}", { status });
    }
    return real(input, init);
  });
  const res = await app.fetch(
    new Request(`http://localhost${path}`, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    { ...env, EMAIL_API_URL: "https://mail.example.test/send", EMAIL_FROM: "nps@corp.example" },
    createExecutionContext(),
  );
  return { status: res.status, body: (await res.json()) as any, sent };
}

describe("POST /api/v1/followups/:responseId/reply", () => {
  it("without an email API: a prepared mailto: link, the reply kept on the item, the item contacted", async () => {
    const r = await reply(w.rA.id, w.managerA.write, { body: "Hello,\nsorry about the slowness & thanks.\nMax" });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: "reply", delivery: "mailto", subject: "About your feedback", error: null });
    expect(r.body.mailto).toMatch(
      /^mailto:[^?]+@client\.example\?subject=About%20your%20feedback&body=Hello%2C%0D%0Asorry%20about%20the%20slowness%20%26%20thanks\.%0D%0AMax$/,
    );
    const item = await api(`/api/v1/followups/${w.rA.id}`, { headers: w.managerA.write });
    expect(item.body.status).toBe("contacted");
    expect(item.body.notes.at(-1)).toMatchObject({
      kind: "reply",
      delivery: "mailto",
      body: "Hello,\nsorry about the slowness & thanks.\nMax",
      authorUserId: w.managerA.user.id,
    });
  });

  it("with an email API: sent with the manager as Reply-To, an idempotency key, the HTML escaped", async () => {
    const res = await withMail(`/api/v1/followups/${w.rA.id}/reply`, w.managerA.write, {
      subject: "Votre avis",
      body: "<b>Bonjour</b>\n\nÀ bientôt",
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ delivery: "email", mailto: null, subject: "Votre avis" });
    expect(res.sent).toHaveLength(1);
    const m = res.sent[0]!;
    expect(m.headers.get("idempotency-key")).toBe(`reply-${res.body.id}`);
    expect(m.body).toMatchObject({ from: "nps@corp.example", subject: "Votre avis", replyTo: { email: w.managerA.user.email } });
    expect(m.body.to.email).toMatch(/@client\.example$/);
    expect(m.body.html).toBe("<p>&lt;b&gt;Bonjour&lt;/b&gt;</p><p>À bientôt</p>");
    expect(m.body.text).toBe("<b>Bonjour</b>\n\nÀ bientôt\n");
  });

  it("a refused send is kept as email_failed with the mailto: fallback, never a 5xx", async () => {
    const res = await withMail(`/api/v1/followups/${w.rA.id}/reply`, w.managerA.write, { body: "Try again" }, 422);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ delivery: "email_failed", error: "HTTP 422" });
    expect(res.body.mailto).toMatch(/^mailto:/);
  });

  it("only who may act on the item: another manager 404, a viewer 403, anonymous 401", async () => {
    expect((await reply(w.rA.id, w.managerB.write, { body: "Hi" })).status).toBe(404);
    expect((await reply(w.rA.id, w.keys.managerB, { body: "Hi" })).status).toBe(404);
    expect((await reply(w.rA.id, w.viewer.write, { body: "Hi" })).status).toBe(403);
    expect((await reply(w.rA.id, {}, { body: "Hi" })).status).toBe(401);
    expect((await reply("resp_nope", ADMIN, { body: "Hi" })).status).toBe(404);
    // The bootstrap admin key is nobody: a reply is signed by a person.
    expect((await reply(w.rA.id, ADMIN, { body: "Hi" })).status).toBe(403);
    expect((await reply(w.rB.id, w.admin.write, { body: "Admins reply anywhere" })).status).toBe(201);
  });

  it("refuses header injection and bad bodies with a 400 naming the field", async () => {
    for (const [body, field] of [
      [{ subject: "Hi\r\nBcc: everyone@example.com", body: "x" }, "subject"],
      [{ subject: "Hi\nthere", body: "x" }, "subject"],
      [{ body: "" }, "body"],
      [{ body: "   " }, "body"],
      [{ body: "x".repeat(10_001) }, "body"],
      [{ body: "a\u0000b" }, "body"],
      [{ body: "x", to: "someone@else.example" }, undefined],
    ] as const) {
      const r = await reply(w.rA.id, w.managerA.write, body);
      expect(r.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      if (field) expect(r.body.error.field).toBe(field);
    }
  });

  it("an anonymous answer has nobody to write to: 409 no_email", async () => {
    const anon = await api(`/api/v1/surveys/${w.survey.id}/responses`, { body: { id: crypto.randomUUID(), score: 2 } });
    const r = await reply(anon.body.id, w.admin.write, { body: "Hello?" });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("no_email");
  });

  it(`rate-limits each person to ${REPLY_LIMIT.max} replies an hour (429)`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i < REPLY_LIMIT.max; i++) statuses.push((await reply(w.rB.id, w.managerB.write, { body: `Reply ${i}` })).status);
    expect(statuses.every((s) => s === 201)).toBe(true);
    const last = await reply(w.rB.id, w.managerB.write, { body: "One more" });
    expect(last.status).toBe(429);
    expect(last.body.error.code).toBe("rate_limited");
    // Another person is not held back by it.
    expect((await reply(w.rB.id, w.admin.write, { body: "From the admin" })).status).toBe(201);
  });
});

describe("reply helpers", () => {
  it("mailtoLink percent-encodes every part, line breaks as CRLF", () => {
    expect(mailtoLink("a.b+c@x.example", "Re: ça & co?", "L1\nL2")).toBe(
      "mailto:a.b%2Bc@x.example?subject=Re%3A%20%C3%A7a%20%26%20co%3F&body=L1%0D%0AL2",
    );
  });
  it("replyMessage escapes HTML and keeps paragraphs", () => {
    const m = replyMessage({
      id: "n1",
      to: { email: "a@x.example", name: null },
      replyTo: null,
      locale: "en",
      subject: "S",
      body: `"x" <y>\nz\n\nnext`,
    });
    expect(m.html).toBe("<p>&quot;x&quot; &lt;y&gt;<br>z</p><p>next</p>");
    expect(m).not.toHaveProperty("replyTo");
  });
});
