/** The login limiter's sliding window, and the cron's clean-up of sessions and old counters. */
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rateLimits, sessions } from "../../worker/db/schema";
import { pruneAuthTables } from "../../worker/auth/housekeeping";
import { countsFor, hit } from "../../worker/auth/rateLimit";
import { sha256Hex } from "../../worker/lib/ids";
import { db, sessionAs } from "../auth-helpers";

const MIN = 60_000;

describe("rate-limit window", () => {
  it("counts the last three 5-minute slots: events leave the window 10 to 15 minutes later", async () => {
    const key = `test:${crypto.randomUUID()}`;
    const slot = Math.floor(Date.parse("2026-03-01T10:00:00Z") / (5 * MIN)) * 5 * MIN;
    for (let i = 0; i < 3; i++) await hit(db, [key], slot + 60_000);
    await hit(db, [key], slot + 6 * MIN); // next slot
    const at = async (t: number) => (await countsFor(db, [key], 15 * MIN, t)).get(key) ?? 0;
    expect(await at(slot + 7 * MIN)).toBe(4);
    expect(await at(slot + 14 * MIN)).toBe(4);
    expect(await at(slot + 15 * MIN)).toBe(1); // the first slot has left
    expect(await at(slot + 20 * MIN)).toBe(0);
  });
});

describe("pruneAuthTables", () => {
  it("drops expired sessions and day-old counters, keeps the rest", async () => {
    const live = await sessionAs("viewer");
    const dead = await sessionAs("viewer");
    await db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - MIN) })
      .where(eq(sessions.id, await sha256Hex(dead.cookie)));
    const oldKey = `old:${crypto.randomUUID()}`;
    const newKey = `new:${crypto.randomUUID()}`;
    await hit(db, [oldKey], Date.now() - 25 * 3600_000);
    await hit(db, [newKey], Date.now() - MIN);

    await pruneAuthTables(env, Date.now());
    expect(
      await db
        .select()
        .from(sessions)
        .where(eq(sessions.id, await sha256Hex(live.cookie)))
        .get(),
    ).toBeDefined();
    expect(
      await db
        .select()
        .from(sessions)
        .where(eq(sessions.id, await sha256Hex(dead.cookie)))
        .get(),
    ).toBeUndefined();
    expect(await db.select().from(rateLimits).where(eq(rateLimits.key, oldKey)).all()).toEqual([]);
    expect(await db.select().from(rateLimits).where(eq(rateLimits.key, newKey)).all()).toHaveLength(1);
  });
});
