/**
 * The answer's INSERT built once from the schema (worker/db/queries/answerInsert.ts) must be the
 * statement drizzle's query builder makes for the same row, text and parameters alike, and must
 * store exactly the row it was given, NULLs included, on real D1.
 */
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { ANSWER_INSERT_SQL, answerInsert, answerInsertParams, type AnswerRow } from "../../worker/db/queries/answerInsert";
import { responses } from "../../worker/db/schema";
import { createSurvey } from "../helpers";

const at = new Date("2026-07-31T22:10:00.123Z");
const base = (surveyId: string): AnswerRow => ({
  id: crypto.randomUUID(),
  surveyId,
  contactId: null,
  invitationId: null,
  waveId: null,
  score: 9,
  comment: null,
  answers: null,
  locale: "fr",
  channel: "widget",
  accountId: null,
  segment: null,
  managerUserId: null,
  bucketMonth: "2026-07-01",
  bucketQuarter: "2026-07-01",
  bucketHalf: "2026-07-01",
  properties: null,
  editKeyHash: null,
  createdAt: at,
  updatedAt: at,
});

const variants = (surveyId: string): AnswerRow[] => [
  base(surveyId),
  {
    ...base(surveyId),
    score: 0,
    comment: `Très "bon" l'accueil; DROP TABLE x; -- ✓`,
    answers: { q1: "oui", 'q"2': "non" },
    properties: { page: "/tarifs?x=1", app: "" },
    accountId: "acc_1",
    segment: "Enterprise",
    managerUserId: "usr_1",
    editKeyHash: "0123456789abcdef0123456789abcdef",
    channel: "api",
    locale: "en",
  },
  { ...base(surveyId), answers: {}, properties: {}, comment: "", createdAt: new Date(0), updatedAt: new Date(1) },
];

describe("the answer's INSERT built once", () => {
  it("is the statement drizzle builds for the same row, text and parameters", async () => {
    const survey = await createSurvey();
    const db = drizzle(env.DB);
    for (const row of variants(survey.id)) {
      const built = db.insert(responses).values(row).onConflictDoNothing({ target: responses.id }).returning({ id: responses.id }).toSQL();
      expect(ANSWER_INSERT_SQL).toBe(built.sql);
      expect(answerInsertParams(row)).toEqual(built.params);
    }
  });

  it("stores exactly the row given, NULLs as NULL, and ignores a second insert of the same id", async () => {
    const survey = await createSurvey();
    const db = drizzle(env.DB);
    for (const row of variants(survey.id)) {
      const first = await answerInsert(env.DB, row).all();
      expect(first.results).toEqual([{ id: row.id }]);
      const stored = await db.select().from(responses).where(eq(responses.id, row.id)).get();
      expect(stored).toEqual(row);
      const raw = await env.DB.prepare("SELECT answers, properties, comment FROM responses WHERE id = ?").bind(row.id).first();
      // A NULL JSON column is SQL NULL, never the string "null".
      expect(raw).toEqual({
        answers: row.answers === null ? null : JSON.stringify(row.answers),
        properties: row.properties === null ? null : JSON.stringify(row.properties),
        comment: row.comment,
      });
      const again = await answerInsert(env.DB, { ...row, score: 3, comment: "changed" }).all();
      expect(again.results).toEqual([]);
      expect(await db.select().from(responses).where(eq(responses.id, row.id)).get()).toEqual(row);
    }
  });
});
