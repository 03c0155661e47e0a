/** The widget's settings GET (throttling decided by the server), dismissals and origin checks. */
import { describe, expect, it } from "vitest";
import { hmacSha256Hex } from "../../worker/lib/hmac";
import { ADMIN, api, burstUntil429, createSurvey, sameWindow, submit } from "../helpers";

const widget = (id: string, query = "", headers: Record<string, string> = {}) =>
  api(`/api/v1/surveys/${id}/widget${query ? `?${query}` : ""}`, { headers });
const dismiss = (id: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api(`/api/v1/surveys/${id}/dismissals`, {
    raw: JSON.stringify({ id: crypto.randomUUID(), ...body }),
    headers: { "content-type": "text/plain;charset=UTF-8", ...headers },
  });

describe("GET /api/v1/surveys/:id/widget", () => {
  it("gives anonymous visitors the texts, theme and scale, cached publicly, and no secrets", async () => {
    const s = await createSurvey({ defaultLocale: "fr", theme: { color: "#0f766e", position: "bottom-left" } });
    const r = await widget(s.id);
    expect(r.status).toBe(200);
    expect(r.headers.get("cache-control")).toBe("public, max-age=300");
    expect(r.body).toMatchObject({
      id: s.id,
      kind: "nps",
      locale: "fr",
      scale: [0, 10],
      cuts: [6, 8],
      theme: { color: "#0f766e", position: "bottom-left" },
      show: true,
      reason: null,
      sampling: 100,
      resurveyDays: 182,
      dismissDays: 30,
    });
    expect(r.body.texts.question).toMatch(/recommandiez/);
    expect(JSON.stringify(r.body)).not.toContain(s.signingSecret);
    expect(r.body.allowedOrigins).toBeUndefined();
  });

  it("speaks the page's or browser's language when supported, else the survey default", async () => {
    const s = await createSurvey({ defaultLocale: "fr" });
    expect((await widget(s.id, "l=en-GB,fr")).body.locale).toBe("en");
    expect((await widget(s.id, "l=de,fr-CA")).body.locale).toBe("fr");
    expect((await widget(s.id, "l=de,es")).body.locale).toBe("fr");
    const t = await createSurvey({ texts: { en: { question: "Would you recommend Acme?" } } });
    expect((await widget(t.id, "l=en")).body.texts.question).toBe("Would you recommend Acme?");
  });

  it("does not ask a contact who answered within resurveyDays, and does once the window is 0", async () => {
    const s = await createSurvey();
    await submit(s.id, { score: 8, contact: { id: "user-1" } });
    const r = await widget(s.id, "uid=user-1");
    expect(r.body).toMatchObject({ show: false, reason: "answered", sampling: 100 });
    expect(r.headers.get("cache-control")).toBe("private, max-age=60");
    expect((await widget(s.id, "uid=user-2")).body).toMatchObject({ show: true, reason: null });
    await api(`/api/v1/surveys/${s.id}`, { method: "PATCH", headers: ADMIN, body: { resurveyDays: 0 } });
    expect((await widget(s.id, "uid=user-1")).body.show).toBe(true);
  });

  it("finds the contact by email too", async () => {
    const s = await createSurvey();
    await submit(s.id, { score: 3, contact: { email: "Ann@Example.com" } });
    expect((await widget(s.id, "email=ann%40example.com")).body.reason).toBe("answered");
  });

  it("records dismissals and does not ask again within dismissDays", async () => {
    const s = await createSurvey();
    const d = await dismiss(s.id, { contact: { id: "closer" } });
    expect(d.status).toBe(201);
    expect(d.body).toMatchObject({ surveyId: s.id, recorded: true });
    expect(d.body.contactId).toMatch(/^ctc_/);
    expect((await widget(s.id, "uid=closer")).body).toMatchObject({ show: false, reason: "dismissed" });
    await api(`/api/v1/surveys/${s.id}`, { method: "PATCH", headers: ADMIN, body: { dismissDays: 0 } });
    expect((await widget(s.id, "uid=closer")).body.show).toBe(true);
  });

  it("records a retried dismissal once (client id) and accepts anonymous ones", async () => {
    const s = await createSurvey();
    const id = crypto.randomUUID();
    expect((await dismiss(s.id, { id })).status).toBe(201);
    const again = await dismiss(s.id, { id });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ recorded: false, contactId: null });
  });

  it("answers a retry with the dismissal stored first, and refuses its id on another survey", async () => {
    const s = await createSurvey();
    const other = await createSurvey();
    const id = crypto.randomUUID();
    const first = await dismiss(s.id, { id, contact: { id: "closer-2" } });
    expect(first.status).toBe(201);
    // The retry lost its contact (another tab, a cleared page): the stored dismissal is reported.
    const retry = await dismiss(s.id, { id });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ id, surveyId: s.id, recorded: false, contactId: first.body.contactId });
    const elsewhere = await dismiss(other.id, { id });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body).toMatchObject({ error: { code: "id_conflict", field: "id" } });
    expect((await widget(other.id, "uid=closer-2")).body.show).toBe(true);
  });

  it("samples people by a stable hash; anonymous visitors get the percentage to apply themselves", async () => {
    const none = await createSurvey({ samplingPercent: 0 });
    expect((await widget(none.id, "uid=someone")).body).toMatchObject({ show: false, reason: "sampled_out" });
    expect((await widget(none.id)).body).toMatchObject({ show: true, sampling: 0 });
    const half = await createSurvey({ samplingPercent: 50 });
    const shown: boolean[] = [];
    for (let i = 0; i < 30; i++) shown.push((await widget(half.id, `uid=p${i}`)).body.show);
    expect(shown.filter(Boolean).length).toBeGreaterThan(5);
    expect(shown.filter(Boolean).length).toBeLessThan(25);
    for (let i = 0; i < 5; i++) expect((await widget(half.id, `uid=p${i}`)).body.show).toBe(shown[i]);
  });

  it("does not ask for a paused survey", async () => {
    const s = await createSurvey({ status: "paused" });
    expect((await widget(s.id)).body).toMatchObject({ show: false, reason: "inactive" });
  });

  it("refuses origins that may not embed the survey, and answers CORS for those that may", async () => {
    const s = await createSurvey({ allowedOrigins: ["https://app.example.com"] });
    const bad = await widget(s.id, "", { origin: "https://evil.example" });
    expect(bad.status).toBe(403);
    expect(bad.body.error).toMatchObject({ code: "origin_not_allowed", field: "origin" });
    expect(bad.headers.get("access-control-allow-origin")).toBeNull();
    const good = await widget(s.id, "", { origin: "https://app.example.com" });
    expect(good.status).toBe(200);
    expect(good.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(good.headers.get("vary")).toContain("Origin");
    const badDismiss = await dismiss(s.id, {}, { origin: "https://evil.example" });
    expect(badDismiss.status).toBe(403);
    const badAnswer = await submit(s.id, { score: 5 }, { origin: "https://evil.example" });
    expect(badAnswer.status).toBe(403);
    // Our own link page posts from our own origin.
    expect((await submit(s.id, { score: 5 }, { origin: "http://localhost" })).status).toBe(201);
  });

  it("with identity verification on, refuses a missing or forged signature and accepts the right one", async () => {
    const s = await createSurvey({ requireSignature: true });
    const good = await hmacSha256Hex(s.signingSecret, "user-9");
    const forged = await hmacSha256Hex("not-the-secret", "user-9");
    for (const q of ["uid=user-9", `uid=user-9&sig=${forged}`]) {
      const r = await widget(s.id, q);
      expect(r.status).toBe(403);
      expect(r.body.error).toMatchObject({ code: "invalid_signature", field: "signature" });
    }
    expect((await widget(s.id, `uid=user-9&sig=${good}`)).body.show).toBe(true);
    expect((await widget(s.id)).status).toBe(200); // anonymous settings reveal nobody
    expect((await dismiss(s.id, { contact: { id: "user-9" }, signature: forged })).status).toBe(403);
    expect((await submit(s.id, { score: 9, contact: { id: "user-9" }, signature: forged })).status).toBe(403);
    expect((await submit(s.id, { score: 9, contact: { id: "user-9" }, signature: good })).status).toBe(201);
    expect((await widget(s.id, `uid=user-9&sig=${good}`)).body.reason).toBe("answered");
  });

  it("takes the full claim (id, email and account, as the answers carry it) on the settings request too", async () => {
    const s = await createSurvey({ requireSignature: true });
    const claim = "user-10\nten@example.test\nacct-10";
    const full = await hmacSha256Hex(s.signingSecret, claim);
    const q = `uid=user-10&email=ten%40example.test&account=acct-10&sig=${full}`;
    const first = await widget(s.id, q);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ show: true, reason: null });
    // The same signature without the account it covers, or with another account, proves nothing.
    expect((await widget(s.id, `uid=user-10&email=ten%40example.test&sig=${full}`)).status).toBe(403);
    expect((await widget(s.id, `uid=user-10&email=ten%40example.test&account=acct-11&sig=${full}`)).status).toBe(403);
    const contact = { id: "user-10", email: "ten@example.test", account: "acct-10" };
    expect((await submit(s.id, { score: 9, contact, signature: full })).status).toBe(201);
    expect((await widget(s.id, q)).body.reason).toBe("answered");
  });

  it("answers CORS preflights for dismissals on allowed origins only", async () => {
    const s = await createSurvey({ allowedOrigins: ["https://app.example.com"] });
    const ok = await api(`/api/v1/surveys/${s.id}/dismissals`, { method: "OPTIONS", headers: { origin: "https://app.example.com" } });
    expect(ok.status).toBe(204);
    const no = await api(`/api/v1/surveys/${s.id}/dismissals`, { method: "OPTIONS", headers: { origin: "https://x.example" } });
    expect(no.status).toBe(403);
  });
});

describe("validation of the widget endpoints", () => {
  it("names the field of every malformed settings query", async () => {
    const s = await createSurvey();
    const cases: [string, string][] = [
      ["uid=" + "x".repeat(201), "uid"],
      ["email=not-an-email", "email"],
      ["sig=abc", "sig"],
      ["l=" + "x".repeat(201), "l"],
      ["surprise=1", ""],
    ];
    for (const [q, field] of cases) {
      const r = await widget(s.id, q);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe("invalid_field");
      if (field) expect(r.body.error.field).toBe(field);
    }
    expect((await widget("srv_nope")).status).toBe(404);
  });

  it("names the field of every malformed dismissal", async () => {
    const s = await createSurvey();
    const post = (raw: string) => api(`/api/v1/surveys/${s.id}/dismissals`, { raw, headers: { "content-type": "text/plain" } });
    expect((await post("{not json")).body.error.code).toBe("invalid_json");
    const cases: [unknown, string][] = [
      [{}, "id"],
      [{ id: "nope" }, "id"],
      [{ id: crypto.randomUUID(), contact: {} }, "contact"],
      [{ id: crypto.randomUUID(), contact: { email: "x" } }, "contact.email"],
      [{ id: crypto.randomUUID(), signature: "zz" }, "signature"],
      [{ id: crypto.randomUUID(), extra: 1 }, ""],
    ];
    for (const [body, field] of cases) {
      const r = await post(JSON.stringify(body));
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code).toBe("invalid_field");
      if (field) expect(r.body.error.field).toBe(field);
    }
    const big = await post(JSON.stringify({ id: crypto.randomUUID(), contact: { name: "x".repeat(5000), id: "a" } }));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe("body_too_large");
    await api(`/api/v1/surveys/${s.id}/archive`, { method: "POST", headers: ADMIN });
    expect((await post(JSON.stringify({ id: crypto.randomUUID() }))).status).toBe(410);
  });
});

describe("rate limits on public endpoints", () => {
  it("answers 429 with the error shape once an address sends too many writes to a survey", async () => {
    const s = await createSurvey();
    const ip = { "cf-connecting-ip": "203.0.113.7" };
    const { passed, res: limited, window } = await burstUntil429(60, () => dismiss(s.id, {}, ip));
    expect(passed).toBeGreaterThanOrEqual(60);
    expect(limited.body.error).toMatchObject({ code: "rate_limited" });
    expect(limited.body.error?.requestId).toBeTruthy();
    expect(limited.headers.get("retry-after")).toBe("60");
    // Answers share the write budget of that address and survey.
    const answer = await submit(s.id, { score: 5 }, ip);
    if (sameWindow(window)) expect(answer.status).toBe(429);
    // Other addresses are unaffected.
    expect((await dismiss(s.id, {}, { "cf-connecting-ip": "203.0.113.8" })).status).toBe(201);
  });

  it("limits reads too (widget settings, link page)", async () => {
    const s = await createSurvey();
    const ip = { "cf-connecting-ip": "198.51.100.4" };
    const { passed, window } = await burstUntil429(300, () => widget(s.id, "", ip));
    expect(passed).toBeGreaterThanOrEqual(300);
    const page = await api(`/s/${s.id}`, { headers: ip });
    if (sameWindow(window)) expect(page.status).toBe(429);
  }, 30_000);

  it("limits the unsubscribe page too: guessing invitation tokens, or unsubscribing in bulk, from one address", async () => {
    const ip = { "cf-connecting-ip": "198.51.100.77" };
    const guess = () => `${crypto.randomUUID().replaceAll("-", "")}`;
    const reads = await burstUntil429(300, () => api(`/u/${guess()}`, { headers: ip }));
    expect(reads.passed).toBeGreaterThanOrEqual(300);
    expect(reads.res.body.error).toMatchObject({ code: "rate_limited" });
    const writes = await burstUntil429(60, () => api(`/u/${guess()}`, { method: "POST", headers: ip }));
    expect(writes.passed).toBeGreaterThanOrEqual(60);
    expect(writes.res.headers.get("retry-after")).toBe("60");
    // Another address still reaches the page (an unknown token: 404, not 429).
    expect((await api(`/u/${guess()}`, { headers: { "cf-connecting-ip": "198.51.100.78" } })).status).toBe(404);
  }, 30_000);
});
