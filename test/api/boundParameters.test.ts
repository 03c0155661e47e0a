/**
 * D1 binds at most 100 parameters per statement (local D1 refuses more, as production does: "too
 * many SQL variables"). Lists that grow with the data (a page of up to 200 comments and their
 * follow-up notes, a contact's every answer in a GDPR export) must not bind one parameter per
 * item. Each request here reads (or erases) more than 100 of them.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer, makeAccount, makeContact } from "./retention-fixtures";

const N = 150;

async function seed() {
  const survey = await createSurvey();
  const contact = await makeContact(await makeAccount({ name: "Many", startedOn: "2024-01-01" }));
  // One contact's detractor answers with a comment, a day apart: each gets a follow-up (migrations/0005).
  const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const at = new Date(Date.parse("2025-01-01T09:00:00Z") + i * 86_400_000).toISOString();
    ids.push(await answer(survey.id, contact, 3, at, { comment: `Trop lent, encore (${i})` }));
  }
  return { survey, contact, ids };
}

describe("lists longer than D1's 100 bound parameters", () => {
  it("a page of 200 comments with their follow-ups, listed and searched, and a contact's export", async () => {
    const { survey, contact, ids } = await seed();
    for (const path of [
      `/api/v1/comments?surveyId=${survey.id}&limit=200`,
      `/api/v1/comments?surveyId=${survey.id}&limit=200&sort=createdAt`,
      `/api/v1/comments?surveyId=${survey.id}&limit=200&q=lent`,
      `/api/v1/comments?limit=200&q=encore`,
    ]) {
      const res = await api(path, { headers: ADMIN });
      expect(res.status, `${path}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
      expect(
        res.body.data.filter((c: any) => c.surveyId === survey.id),
        path,
      ).toHaveLength(N);
      expect(
        res.body.data.every((c: any) => c.surveyId !== survey.id || c.followup?.status === "open"),
        path,
      ).toBe(true);
    }
    // Each answer has its follow-up before the erasure (so the count after it means something).
    const before = await env.DB.prepare("SELECT count(*) AS f FROM followups WHERE response_id IN (SELECT value FROM json_each(?))")
      .bind(JSON.stringify(ids))
      .first();
    expect(before).toEqual({ f: N });
    const exported = await api(`/api/v1/contacts/${contact}/export`, { headers: ADMIN });
    expect(exported.status, JSON.stringify(exported.body).slice(0, 300)).toBe(200);
    for (const id of [ids[0]!, ids.at(-1)!]) expect(JSON.stringify(exported.body)).toContain(id);
    // And the erasure of that contact: every answer and follow-up gone, in one transaction.
    const erased = await api(`/api/v1/contacts/${contact}/erase`, { method: "POST", headers: ADMIN, body: {} });
    expect(erased.status, JSON.stringify(erased.body).slice(0, 300)).toBe(200);
    const left = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM responses WHERE survey_id = ?) AS r, (SELECT count(*) FROM followups WHERE response_id IN (SELECT value FROM json_each(?))) AS f",
    )
      .bind(survey.id, JSON.stringify(ids))
      .first();
    expect(left).toEqual({ r: 0, f: 0 });
  });
});
