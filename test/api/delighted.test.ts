/**
 * The Delighted-compatible /v1 surface through SELF: what the official clients other than Node's
 * send (form bodies, `key` without a colon, PUT /survey_responses/:id, `.json` paths), who may
 * change an answer, and the error shapes. The Node client itself runs in test/e2e/delighted.e2e.ts.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey } from "../helpers";

async function newKey(scopes?: string[]) {
  const res = await api("/api/v1/api-keys", { headers: ADMIN, body: { name: "v1", role: "admin", ...(scopes ? { scopes } : {}) } });
  expect(res.status).toBe(201);
  return res.body.key as string;
}
const basic = (key: string, colon = true) => ({ authorization: `Basic ${btoa(colon ? `${key}:` : key)}` });
const form = (key: string, body: string) => ({
  headers: { ...basic(key), "content-type": "application/x-www-form-urlencoded" },
  raw: body,
  method: "POST",
});

describe("/v1 (Delighted-compatible)", () => {
  it("accepts form-encoded bodies with PHP brackets, `.json` paths and a key without colon", async () => {
    await createSurvey();
    const key = await newKey();
    const p = await api(
      "/v1/people.json",
      form(key, "email=form%40example.test&properties%5Bplan%5D=pro&properties%5Bseats%5D=12&delay=60&send=true"),
    );
    expect(p.status).toBe(200);
    expect(p.body.email).toBe("form@example.test");
    expect(p.body.survey_scheduled_at - Math.floor(Date.now() / 1000)).toBeGreaterThan(50);
    const r = await api("/v1/survey_responses.json", form(key, `person=${p.body.id}&score=7&comment=meh&person_properties%5Brole%5D=cto`));
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ score: 7, comment: "meh", person_properties: { role: "cto" }, survey_type: "nps" });
    const put = await api(`/v1/survey_responses/${r.body.id}.json`, {
      method: "PUT",
      headers: basic(key, false),
      body: { comment: "better now", score: 8 },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ score: 8, comment: "better now" });
  });

  it("lets only the key that created an answer change it, and never a respondent path", async () => {
    await createSurvey();
    const mine = await newKey();
    const other = await newKey();
    const p = await api("/v1/people", { headers: basic(mine), body: { email: "owner@example.test", send: false } });
    const r = await api("/v1/survey_responses", { headers: basic(mine), body: { person: p.body.id, score: 9 } });
    const refused = await api(`/v1/survey_responses/${r.body.id}`, { method: "PUT", headers: basic(other), body: { score: 0 } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ status: 403 });
    const readOnly = await newKey(["read"]);
    const ro = await api("/v1/survey_responses", { headers: basic(readOnly), body: { person: p.body.id, score: 9 } });
    expect(ro.status).toBe(403);
    expect((await api("/v1/survey_responses", { headers: basic(readOnly) })).status).toBe(200);
  });

  it("answers 401 with a JSON body, 422 naming fields, 404 in its own shape, never 204", async () => {
    await createSurvey();
    const key = await newKey();
    const none = await api("/v1/people");
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ status: 401, message: expect.any(String) });
    expect((await api("/v1/people", { headers: basic("bm_unknownunknownunknownunknown00") })).status).toBe(401);
    const bad = await api("/v1/people", { headers: basic(key), body: { name: "nobody" } });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.email).toBeDefined();
    const badEmail = await api("/v1/people", { headers: basic(key), body: { email: "not-an-email" } });
    expect(badEmail.status).toBe(422);
    const badDelay = await api("/v1/people", { headers: basic(key), body: { email: "d@example.test", delay: -5 } });
    expect(badDelay.body.errors.delay).toBeDefined();
    const unknownPerson = await api("/v1/survey_responses", { headers: basic(key), body: { person: "ctc_nope", score: 5 } });
    expect(unknownPerson.status).toBe(422);
    expect(unknownPerson.body.errors.person).toBeDefined();
    expect((await api("/v1/people/email:nobody@example.test", { method: "DELETE", headers: basic(key) })).status).toBe(404);
    expect((await api("/v1/nothing", { headers: basic(key) })).body).toMatchObject({ status: 404 });
    expect((await api("/v1/people?per_page=500", { headers: basic(key) })).status).toBe(422);
    expect((await api("/v1/people?cursor=garbage", { headers: basic(key) })).status).toBe(422);
    expect((await api("/v1/survey_responses?order=sideways", { headers: basic(key) })).status).toBe(422);
    expect((await api("/v1/people", { headers: { ...basic(key), "content-type": "application/json" }, raw: "{nope", method: "POST" })).status).toBe(
      400,
    );
  });

  it("refuses control characters and lone surrogates in every text it stores (422 naming the field), as the rest of the API does", async () => {
    await createSurvey();
    const key = await newKey();
    const person = await api("/v1/people", { headers: basic(key), body: { email: "clean@example.test", send: false } });
    const garbage: [string, Record<string, unknown>, string][] = [
      ["/v1/people", { email: "nul@example.test", name: "Ann\u0000", send: false }, "name"],
      ["/v1/people", { email: "ctl@example.test", properties: { plan: "pro\u001b" }, send: false }, "properties.plan"],
      ["/v1/people", { email: "key@example.test", properties: { "pl\u0001an": "pro" }, send: false }, "properties"],
      ["/v1/survey_responses", { person: person.body.id, score: 5, comment: "bad\u0000" }, "comment"],
      ["/v1/survey_responses", { person: person.body.id, score: 5, comment: "broken \ud800 utf-16" }, "comment"],
      ["/v1/survey_responses", { person: person.body.id, score: 5, person_properties: { role: "\udc00" } }, "person_properties.role"],
    ];
    for (const [path, body, field] of garbage) {
      const r = await api(path, { headers: basic(key), body });
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(422);
      expect(
        Object.keys(r.body.errors).some((k) => k.startsWith(field)),
        JSON.stringify(r.body),
      ).toBe(true);
    }
    const made = await api("/v1/survey_responses", {
      headers: basic(key),
      body: { person: person.body.id, score: 5, comment: "fine\ttabs\nand lines" },
    });
    expect(made.status).toBe(201);
    const put = await api(`/v1/survey_responses/${made.body.id}`, { method: "PUT", headers: basic(key), body: { comment: "now\u0007" } });
    expect(put.status).toBe(422);
    expect(put.body.errors.comment).toBeDefined();
    const listed = await api(`/v1/survey_responses?person_id=${person.body.id}`, { headers: basic(key) });
    expect(listed.body.map((r: { comment: string }) => r.comment)).toEqual(["fine\ttabs\nand lines"]);
    const people = await api("/v1/people?per_page=100", { headers: basic(key) });
    expect(people.body.map((p: { email: string }) => p.email)).not.toEqual(expect.arrayContaining(["nul@example.test"]));
  });

  it("never files a person, an answer or an erasure under someone else who shares their phone number", async () => {
    await createSurvey();
    const key = await newKey();
    const phone = `+33 1 ${String(Date.now()).slice(-8, -4)} ${String(Date.now()).slice(-4)}`;
    const ann = await api("/v1/people", {
      headers: basic(key),
      body: { email: "ann.switchboard@example.test", name: "Ann", phone_number: phone, send: false },
    });
    expect(ann.status).toBe(200);
    // A colleague on the same switchboard, with her own e-mail: a new person, and Ann stays Ann.
    const bea = await api("/v1/people", {
      headers: basic(key),
      body: { email: "bea.switchboard@example.test", name: "Bea", phone_number: phone, delay: 60 },
    });
    expect(bea.status).toBe(200);
    expect(bea.body.id).not.toBe(ann.body.id);
    expect(bea.body).toMatchObject({ email: "bea.switchboard@example.test", name: "Bea" });
    const annNow = await api(`/v1/people/${ann.body.id}`, { headers: basic(key) });
    expect(annNow.body).toMatchObject({ email: "ann.switchboard@example.test", name: "Ann", next_survey_scheduled_at: null });
    // The phone number alone no longer names one person: refused, not guessed.
    const answer = await api("/v1/survey_responses", { headers: basic(key), body: { person: `phone_number:${phone}`, score: 0 } });
    expect(answer.status).toBe(422);
    expect(answer.body.errors.person).toBeDefined();
    const erase = await api(`/v1/people/phone_number:${encodeURIComponent(phone)}`, { method: "DELETE", headers: basic(key) });
    expect(erase.status).toBe(422);
    for (const id of [ann.body.id, bea.body.id]) expect((await api(`/v1/people/${id}`, { headers: basic(key) })).status).toBe(200);
    const byPhoneOnly = await api("/v1/people", { headers: basic(key), body: { phone_number: phone, name: "Who?", send: false } });
    expect(byPhoneOnly.status).toBe(422);
    expect(byPhoneOnly.body.errors.phone_number).toBeDefined();
    // A phone number held by one person still finds them.
    const solo = `+44 20 ${String(Date.now()).slice(-8)}`;
    const cy = await api("/v1/people", { headers: basic(key), body: { phone_number: solo, name: "Cy", send: false } });
    const byPhone = await api("/v1/survey_responses", { headers: basic(key), body: { person: `phone_number:${solo}`, score: 9 } });
    expect(byPhone.status).toBe(201);
    expect(byPhone.body.person).toBe(cy.body.id);
  });

  it("refuses a body over 64 KB with 413 in its own shape, chunked (no Content-Length) or not", async () => {
    await createSurvey();
    const key = await newKey();
    const big = JSON.stringify({ email: "big@example.test", name: "x".repeat(70_000) });
    const declared = await api("/v1/people", { headers: basic(key), body: JSON.parse(big) });
    expect(declared.status).toBe(413);
    const bytes = new TextEncoder().encode(big);
    const chunked = await SELF.fetch("http://localhost/v1/people", {
      method: "POST",
      headers: { ...basic(key), "content-type": "application/json" },
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.byteLength; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
          controller.close();
        },
      }),
    });
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toMatchObject({ status: 413 });
  });

  it("unsubscribes known and unknown people, and cancels what was pending", async () => {
    await createSurvey();
    const key = await newKey();
    await api("/v1/people", { headers: basic(key), body: { email: "later@example.test", delay: 3600 } });
    const u = await api("/v1/unsubscribes", { headers: basic(key), body: { person_email: "later@example.test" } });
    expect(u.status).toBe(200);
    expect((await api("/v1/unsubscribes", { headers: basic(key), body: { person_email: "stranger@example.test" } })).status).toBe(200);
    const list = await api("/v1/unsubscribes", { headers: basic(key) });
    expect(list.body.map((x: any) => x.email)).toEqual(expect.arrayContaining(["later@example.test", "stranger@example.test"]));
    const person = await api("/v1/people/email:later@example.test", { headers: basic(key) });
    expect(person.body.next_survey_scheduled_at).toBeNull();
  });

  it("serves its own OpenAPI document", async () => {
    const doc = await api("/v1/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe("3.1.0");
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(["/people", "/survey_responses", "/metrics", "/unsubscribes", "/bounces"]));
  });
});

describe("which survey /v1 speaks for", () => {
  it("is the oldest active NPS survey unless the workspace setting names one", async () => {
    const first = await createSurvey({ name: "first" });
    const second = await createSurvey({ name: "second" });
    const key = await newKey();
    const before = await api("/api/v1/integrations/delighted", { headers: ADMIN });
    expect(before.body.surveyId).toBeNull();
    const set = await api("/api/v1/integrations/delighted", { method: "PUT", headers: ADMIN, body: { surveyId: second.id } });
    expect(set.body).toEqual({ surveyId: second.id, resolvedSurveyId: second.id });
    const p = await api("/v1/people", { headers: basic(key), body: { email: "mapped@example.test", send: false } });
    const r = await api("/v1/survey_responses", { headers: basic(key), body: { person: p.body.id, score: 9 } });
    const stored = await api(`/api/v1/surveys/${second.id}/responses`, { headers: ADMIN });
    expect(stored.body.data.map((x: any) => x.id)).toContain(r.body.id);
    expect(first.id).not.toBe(second.id);
    const csat = await createSurvey({ kind: "csat" });
    expect((await api("/api/v1/integrations/delighted", { method: "PUT", headers: ADMIN, body: { surveyId: csat.id } })).status).toBe(400);
    expect((await api("/api/v1/integrations/delighted", { method: "PUT", headers: ADMIN, body: { surveyId: null } })).body.surveyId).toBeNull();
  });
});
