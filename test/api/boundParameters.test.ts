/**
 * D1 binds at most 100 parameters per statement (local D1 refuses more, as production does: "too
 * many SQL variables"). Lists that grow with the data (a page of up to 200 comments and their
 * follow-up notes, a contact's every answer in a GDPR export) must not bind one parameter per
 * item. Each request here reads (or erases) more than 100 of them.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bucketOf } from "../../worker/metrics/buckets";
import { ADMIN, api, createSurvey } from "../helpers";

const N = 150;

async function seed() {
  const survey = await createSurvey();
  const account = `acc-many-${survey.id}`;
  const contact = `ct-many-${survey.id}`;
  const stmts = [
    env.DB.prepare("INSERT INTO accounts (id, name, mrr_cents, started_on) VALUES (?, 'Many', 1000, '2024-01-01')").bind(account),
    env.DB.prepare("INSERT INTO contacts (id, account_id, email, name) VALUES (?, ?, ?, 'Many')").bind(contact, account, `${contact}@client.test`),
  ];
  for (let i = 0; i < N; i++) {
    // One contact's detractor answers with a comment, a day apart: each gets a follow-up (migrations/0005).
    const at = Date.parse("2025-01-01T09:00:00Z") + i * 86_400_000;
    stmts.push(
      env.DB.prepare(
        `INSERT INTO responses (id, survey_id, contact_id, score, comment, channel, locale, account_id, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
         VALUES (?, ?, ?, 3, ?, 'widget', 'fr', ?, ?, ?, ?, ?, ?)`,
      ).bind(
        `many-${survey.id}-${String(i).padStart(3, "0")}`,
        survey.id,
        contact,
        `Trop lent, encore (${i})`,
        account,
        bucketOf(at, "month", "UTC"),
        bucketOf(at, "quarter", "UTC"),
        bucketOf(at, "half", "UTC"),
        at,
        at,
      ),
    );
  }
  await env.DB.batch(stmts);
  return { survey, contact };
}

describe("lists longer than D1's 100 bound parameters", () => {
  it("a page of 200 comments with their follow-ups, listed and searched, and a contact's export", async () => {
    const { survey, contact } = await seed();
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
    const exported = await api(`/api/v1/contacts/${contact}/export`, { headers: ADMIN });
    expect(exported.status, JSON.stringify(exported.body).slice(0, 300)).toBe(200);
    expect(JSON.stringify(exported.body)).toContain(`many-${survey.id}-149`);
    // And the erasure of that contact: every answer and follow-up gone, in one transaction.
    const erased = await api(`/api/v1/contacts/${contact}/erase`, { method: "POST", headers: ADMIN, body: {} });
    expect(erased.status, JSON.stringify(erased.body).slice(0, 300)).toBe(200);
    const left = await env.DB.prepare(
      "SELECT (SELECT count(*) FROM responses WHERE survey_id = ?) AS r, (SELECT count(*) FROM followups WHERE response_id LIKE ?) AS f",
    )
      .bind(survey.id, `many-${survey.id}-%`)
      .first();
    expect(left).toEqual({ r: 0, f: 0 });
  });
});
