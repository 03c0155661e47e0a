import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { drizzle } from "drizzle-orm/d1";
import { eq } from "drizzle-orm";
import * as schema from "../../worker/db/schema";
import { recordResponse } from "../../worker/services/recordResponse";
import { ADMIN, type ApiResult, api, createSurvey, sign, submit } from "../helpers";

const count = async (surveyId: string) =>
  (await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE survey_id = ?").bind(surveyId).first<{ n: number }>())!.n;

describe("POST /api/v1/surveys/:id/responses", () => {
  it("stores the score at once and returns 201", async () => {
    const s = await createSurvey();
    const id = crypto.randomUUID();
    const r = await api(`/api/v1/surveys/${s.id}/responses`, {
      body: { id, score: 9, locale: "fr" },
      headers: { origin: "https://shop.example.com" },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id, surveyId: s.id, score: 9, comment: null, locale: "fr", channel: "widget" });
    const row = await env.DB.prepare("SELECT score, comment, bucket_month FROM responses WHERE id = ?").bind(id).first();
    expect(row).toMatchObject({ score: 9, comment: null });
  });

  it("a retried request never creates a second response", async () => {
    const s = await createSurvey();
    const body = { id: crypto.randomUUID(), score: 4 };
    const first = await api(`/api/v1/surveys/${s.id}/responses`, { body });
    const again = await api(`/api/v1/surveys/${s.id}/responses`, { body });
    const third = await api(`/api/v1/surveys/${s.id}/responses`, { body });
    expect([first.status, again.status, third.status]).toEqual([201, 200, 200]);
    expect(await count(s.id)).toBe(1);
  });

  it("adds the comment later, by a second POST or by PATCH, keeping the score", async () => {
    const s = await createSurvey();
    const id = crypto.randomUUID();
    const first = await api(`/api/v1/surveys/${s.id}/responses`, { body: { id, score: 3 } });
    const { editToken } = first.body;
    expect(editToken).toMatch(/^[a-z0-9]{32}$/);
    const second = await api(`/api/v1/surveys/${s.id}/responses`, { body: { id, score: 3, comment: "  Slow support  ", editToken } });
    expect(second.status).toBe(200);
    expect(second.body.comment).toBe("Slow support");
    expect(second.body.editToken).toBeUndefined();
    const patched = await api(`/api/v1/surveys/${s.id}/responses/${id}`, { method: "PATCH", body: { comment: "Slow support, twice", editToken } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ score: 3, comment: "Slow support, twice" });
    // A POST without a comment does not erase the comment already stored.
    await api(`/api/v1/surveys/${s.id}/responses`, { body: { id, score: 4, editToken } });
    const row = await env.DB.prepare("SELECT score, comment FROM responses WHERE id = ?").bind(id).first();
    expect(row).toEqual({ score: 4, comment: "Slow support, twice" });
    expect(await count(s.id)).toBe(1);
  });

  it("accepts a text/plain body (the widget avoids a CORS preflight)", async () => {
    const s = await createSurvey();
    const r = await api(`/api/v1/surveys/${s.id}/responses`, {
      raw: JSON.stringify({ id: crypto.randomUUID(), score: 10 }),
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
    expect(r.status).toBe(201);
  });

  it("validates the score per survey kind", async () => {
    const nps = await createSurvey({ kind: "nps" });
    const csat = await createSurvey({ kind: "csat" });
    const ces = await createSurvey({ kind: "ces" });
    const cases: [string, number, number][] = [
      [nps.id, 0, 201],
      [nps.id, 10, 201],
      [nps.id, 11, 400],
      [nps.id, -1, 400],
      [csat.id, 1, 201],
      [csat.id, 5, 201],
      [csat.id, 0, 400],
      [csat.id, 6, 400],
      [ces.id, 1, 201],
      [ces.id, 7, 201],
      [ces.id, 8, 400],
    ];
    for (const [surveyId, score, status] of cases) {
      const r = await submit(surveyId, { score });
      expect({ score, status: r.status }).toEqual({ score, status });
      if (status === 400) expect(r.body.error).toMatchObject({ code: "invalid_score", field: "score" });
    }
  });

  it("rejects every malformed body with 400, a stable code and the field, storing nothing", async () => {
    const s = await createSurvey();
    const id = crypto.randomUUID();
    const bad: [unknown, string, string | undefined][] = [
      [{ id, score: 9.5 }, "invalid_field", "score"],
      [{ id, score: "9" }, "invalid_field", "score"],
      [{ id }, "invalid_field", "score"],
      [{ id: "not-a-uuid", score: 9 }, "invalid_field", "id"],
      [{ score: 9 }, "invalid_field", "id"],
      [{ id, score: 9, comment: "x".repeat(5001) }, "invalid_field", "comment"],
      [{ id, score: 9, comment: 12 }, "invalid_field", "comment"],
      [{ id, score: 9, locale: "french!" }, "invalid_field", "locale"],
      [{ id, score: 9, channel: "fax" }, "invalid_field", "channel"],
      [{ id, score: 9, extra: true }, "invalid_field", undefined],
      [{ id, score: 9, contact: {} }, "invalid_field", "contact"],
      [{ id, score: 9, contact: { email: "nope" } }, "invalid_field", "contact.email"],
      [{ id, score: 9, signature: "abc" }, "invalid_field", "signature"],
      [[1, 2], "invalid_field", undefined],
      [null, "invalid_field", undefined],
    ];
    for (const [body, code, field] of bad) {
      const r = await api(`/api/v1/surveys/${s.id}/responses`, { raw: JSON.stringify(body), headers: { "content-type": "application/json" } });
      expect({ body, status: r.status }).toEqual({ body, status: 400 });
      expect(r.body.error.code).toBe(code);
      if (field) expect(r.body.error.field).toBe(field);
      expect(typeof r.body.error.message).toBe("string");
      expect(typeof r.body.error.requestId).toBe("string");
    }
    for (const raw of ["{", "", "score=9", "\u0000"]) {
      const r = await api(`/api/v1/surveys/${s.id}/responses`, { raw, headers: { "content-type": "application/json" } });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe("invalid_json");
    }
    expect(await count(s.id)).toBe(0);
  });

  it("refuses oversize bodies with 413", async () => {
    const s = await createSurvey();
    const r = await api(`/api/v1/surveys/${s.id}/responses`, {
      raw: JSON.stringify({ id: crypto.randomUUID(), score: 9, comment: "x".repeat(70_000) }),
      headers: { "content-type": "application/json" },
    });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("body_too_large");
    expect(await count(s.id)).toBe(0);
  });

  it("404 for an unknown survey, 410 for an archived one", async () => {
    const r = await submit("srv_doesnotexist", { score: 9 });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
    const s = await createSurvey();
    await api(`/api/v1/surveys/${s.id}/archive`, { method: "POST", headers: ADMIN });
    const closed = await submit(s.id, { score: 9 });
    expect(closed.status).toBe(410);
    expect(closed.body.error.code).toBe("survey_archived");
  });

  it("a response id cannot be reused on another survey", async () => {
    const a = await createSurvey();
    const b = await createSurvey();
    const id = crypto.randomUUID();
    expect((await api(`/api/v1/surveys/${a.id}/responses`, { body: { id, score: 9 } })).status).toBe(201);
    const r = await api(`/api/v1/surveys/${b.id}/responses`, { body: { id, score: 1 } });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: "id_conflict", field: "id" });
    const row = await env.DB.prepare("SELECT survey_id, score FROM responses WHERE id = ?").bind(id).first();
    expect(row).toEqual({ survey_id: a.id, score: 9 });
  });

  it("PATCH of an unknown response is 404 and of a bad score 400", async () => {
    const s = await createSurvey();
    expect((await api(`/api/v1/surveys/${s.id}/responses/${crypto.randomUUID()}`, { method: "PATCH", body: { comment: "x" } })).status).toBe(404);
    expect((await api(`/api/v1/surveys/${s.id}/responses/nope`, { method: "PATCH", body: { comment: "x" } })).status).toBe(404);
    const id = crypto.randomUUID();
    await api(`/api/v1/surveys/${s.id}/responses`, { body: { id, score: 9 } });
    const r = await api(`/api/v1/surveys/${s.id}/responses/${id}`, { method: "PATCH", body: { score: 12 } });
    expect(r.status).toBe(400);
  });

  it("links an identified answer to a contact, once, and verifies signatures when required", async () => {
    const s = await createSurvey({ requireSignature: true });
    const unsigned = await submit(s.id, { score: 8, contact: { id: "user-42", email: "Ana@Example.com" } });
    expect(unsigned.status).toBe(403);
    expect(unsigned.body.error).toMatchObject({ code: "invalid_signature", field: "signature" });
    const forged = await submit(s.id, { score: 8, contact: { id: "user-42" }, signature: "0".repeat(64) });
    expect(forged.status).toBe(403);
    // The client's server signs the contact's id and email with the survey's secret.
    const full = await sign(s.signingSecret, "user-42\nAna@Example.com\n");
    const signature = await sign(s.signingSecret, "user-42");
    const ok = await submit(s.id, { score: 8, contact: { id: "user-42", email: "Ana@Example.com" }, signature: full });
    expect(ok.status).toBe(201);
    const again = await submit(s.id, { score: 9, contact: { id: "user-42" }, signature });
    expect(again.status).toBe(201);
    expect(again.body.contactId).toBe(ok.body.contactId);
    const contacts = await env.DB.prepare("SELECT email FROM contacts WHERE external_id = 'user-42'").all();
    expect(contacts.results).toEqual([{ email: "ana@example.com" }]);
  });

  it("lists responses to API callers only", async () => {
    const s = await createSurvey();
    await submit(s.id, { score: 0 });
    expect((await api(`/api/v1/surveys/${s.id}/responses`)).status).toBe(401);
    expect((await api(`/api/v1/surveys/${s.id}/responses`, { headers: { authorization: "Bearer wrong-key-0123456789" } })).status).toBe(401);
    const r = await api(`/api/v1/surveys/${s.id}/responses`, { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body.data.map((x: { score: number }) => x.score)).toEqual([0]);
  });

  it("pages newest first without skipping or repeating answers that share a millisecond", async () => {
    const s = await createSurvey();
    const db = drizzle(env.DB);
    const survey = (await db.select().from(schema.surveys).where(eq(schema.surveys.id, s.id)).get())!;
    const at = Date.parse("2026-05-04T10:00:00Z");
    const ids: string[] = [];
    // Five answers in the same millisecond, two later ones.
    for (const [i, t] of [at, at, at, at, at, at + 1, at + 2].entries()) {
      const { response } = await recordResponse(db, survey, { id: crypto.randomUUID(), score: i }, { timeZone: "UTC", channel: "api", now: t });
      ids.push(response.id);
    }
    const seen: string[] = [];
    let before: string | null = "";
    for (let page = 0; before !== null && page < 10; page++) {
      const r: ApiResult<{ data: { id: string }[]; next: string | null }> = await api(
        `/api/v1/surveys/${s.id}/responses?limit=2${before ? `&before=${before}` : ""}`,
        { headers: ADMIN },
      );
      expect(r.status).toBe(200);
      seen.push(...r.body.data.map((x) => x.id));
      before = r.body.next;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(ids));
    // Newest first: the two later answers lead.
    expect(seen.slice(0, 2)).toEqual([ids[6], ids[5]]);
  });
});
