/**
 * The demo seed (scripts/seed/) against the real schema: its rows are typed `$inferInsert` (a
 * schema change it misses fails the typecheck); here a small one goes into the test D1 through
 * the same statements `npm run dev` writes, and the database's own rules take it from there.
 */
import { env } from "cloudflare:test";
import { count, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { buildDemoSeed, DEMO_NPS_SURVEY_ID } from "../../scripts/seed/demo";
import { seedStatements } from "../../scripts/seed/statements";
import { followups, responses, rollups, users } from "../../worker/db/schema";
import { categoryOf } from "../../worker/domain/categories";

const small = () => buildDemoSeed({ today: Date.parse("2026-11-30T12:00:00Z"), timeZone: "UTC", passwordHash: "not-a-hash", accounts: 6 });

describe("demo seed", () => {
  it("is deterministic: the same day gives the same rows", () => {
    expect(small()).toEqual(small());
  });

  it("goes into D1 whole, and the triggers open one follow-up per detractor (NPS and CSAT)", async () => {
    const db = drizzle(env.DB);
    const seed = small();
    expect(seed.responses.length).toBeGreaterThan(10);
    const [first, ...rest] = seedStatements(db, seed);
    await db.batch([first!, ...rest]);

    expect((await db.select({ n: count() }).from(users).get())?.n).toBe(seed.users.length);
    expect((await db.select({ n: count() }).from(responses).get())?.n).toBe(seed.responses.length);
    const kindOf = new Map(seed.surveys.map((s) => [s.id, s.kind]));
    const detractors = seed.responses.filter((r) => categoryOf(kindOf.get(r.surveyId)!, r.score) === "detractor");
    const items = await db.select({ id: followups.responseId, status: followups.status }).from(followups).all();
    expect(items.map((f) => f.id).sort()).toEqual(detractors.map((r) => r.id).sort());
    // The seed's progress reached the items the trigger created.
    const byId = new Map(items.map((f) => [f.id, f.status]));
    for (const p of seed.followupProgress) expect(byId.get(p.responseId), p.responseId).toBe(p.status);
    // The rollups were built as the answers landed: the survey's all-time histogram counts them.
    const built = await db
      .select({ n: sql<number>`sum(${rollups.n})` })
      .from(rollups)
      .where(sql`${rollups.surveyId} = ${DEMO_NPS_SURVEY_ID} AND ${rollups.interval} = 'half' AND ${eq(rollups.dim, "all")}`)
      .get();
    expect(built?.n).toBeGreaterThan(0);
  });
});
