/**
 * One category rule (worker/domain/categories.ts), and every copy held to it: the SQL built from
 * it, and the follow-up triggers of migrations/0005, which landed with the numbers written out
 * (a landed migration is never edited, so this test is what keeps them equal).
 */
import { env } from "cloudflare:test";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { categorySqlFor, categorySqlOfKind } from "../../worker/db/queries/scoreCategory";
import { followups, responses, surveys } from "../../worker/db/schema";
import {
  CATEGORIES,
  CATEGORY_BOUNDS,
  CATEGORY_CUTS,
  categoryOf,
  SCORE_RANGE,
  SURVEY_KINDS,
  scoresIn,
  type SurveyKind,
} from "../../worker/domain/categories";

const wholeScores = (kind: SurveyKind) => scoresIn(kind, "detractor").concat(scoresIn(kind, "passive"), scoresIn(kind, "promoter"));

describe("categoryOf", () => {
  it("follows METRICS.md for NPS: 0–6 detractor, 7–8 passive, 9–10 promoter", () => {
    expect(scoresIn("nps", "detractor")).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(scoresIn("nps", "passive")).toEqual([7, 8]);
    expect(scoresIn("nps", "promoter")).toEqual([9, 10]);
  });

  it("splits CSAT 1–2 / 3 / 4–5 and CES 1–3 / 4 / 5–7", () => {
    expect(CATEGORIES.map((c) => scoresIn("csat", c))).toEqual([[4, 5], [3], [1, 2]]);
    expect(CATEGORIES.map((c) => scoresIn("ces", c))).toEqual([[5, 6, 7], [4], [1, 2, 3]]);
  });

  it("classifies means with the same lower bounds (an account's 8.99 is passive)", () => {
    expect(categoryOf("nps", 8.99)).toBe("passive");
    expect(categoryOf("nps", 6.99)).toBe("detractor");
  });

  it("agrees with the cuts the widget receives, and every score of a scale has one category", () => {
    for (const kind of SURVEY_KINDS) {
      const [d, p] = CATEGORY_CUTS[kind];
      expect(d, kind).toBe(CATEGORY_BOUNDS[kind].passive - 1);
      expect(p, kind).toBe(CATEGORY_BOUNDS[kind].promoter - 1);
      const [min, max] = SCORE_RANGE[kind];
      expect(wholeScores(kind), kind).toEqual(Array.from({ length: max - min + 1 }, (_, i) => min + i));
    }
  });
});

describe("categorySql", () => {
  it("gives categoryOf's answer for every kind and score, by kind column and by known kind", async () => {
    const db = drizzle(env.DB);
    for (const kind of SURVEY_KINDS) {
      for (const score of wholeScores(kind)) {
        const row = await db.get<{ byColumn: string; byKind: string }>(
          sql`SELECT ${categorySqlFor(sql`${kind}`, sql`${score}`)} AS byColumn, ${categorySqlOfKind(kind, sql`${score}`)} AS byKind`,
        );
        expect(row, `${kind} ${score}`).toEqual({ byColumn: categoryOf(kind, score), byKind: categoryOf(kind, score) });
      }
    }
  });
});

describe("the follow-up triggers (migrations/0005)", () => {
  it("open an item for exactly the detractor scores of each kind", async () => {
    const db = drizzle(env.DB);
    for (const kind of SURVEY_KINDS) {
      const surveyId = `srv_cat_${kind}`;
      await db.insert(surveys).values({ id: surveyId, name: kind, kind, signingSecret: "s" });
      const ids = new Map<string, number>();
      for (const score of wholeScores(kind)) {
        const id = crypto.randomUUID();
        ids.set(id, score);
        await db.insert(responses).values({
          id,
          surveyId,
          score,
          channel: "api",
          bucketMonth: "2026-01",
          bucketQuarter: "2026-Q1",
          bucketHalf: "2026-H1",
        });
      }
      const opened = await db
        .select({ id: followups.responseId })
        .from(followups)
        .where(sql`${followups.responseId} IN (SELECT value FROM json_each(${JSON.stringify([...ids.keys()])}))`);
      const scores = opened.map((o) => ids.get(o.id)!).sort((a, b) => a - b);
      expect(scores, kind).toEqual(scoresIn(kind, "detractor"));
    }
  });
});
