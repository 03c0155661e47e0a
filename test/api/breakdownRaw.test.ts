import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { getBreakdown } from "../../worker/db/queries/getBreakdown";
import { getBreakdownRaw } from "../../worker/db/queries/getBreakdownRaw";
import type { BreakdownQuery } from "../../worker/db/queries/breakdownTypes";
import { contacts } from "../../worker/db/schema";
import { createSurvey } from "../helpers";
import { answer, db, makeAccount, makeContact, makeUser, tag } from "./retention-fixtures";

/**
 * The breakdown's raw path (what answers while the rollups are rebuilt in a new time zone) counts
 * as the cube does: each member's latest answer in the bucket, then its segment, manager or
 * account. The audit found it taking the latest among the answers that had a value (or carried
 * the manager's id), so a contact whose latest answer has no segment, or belongs to another
 * manager's account, was counted with an older answer during a rebuild and nowhere after it.
 *
 * March 2026 (UTC). Account A (segment S, manager M1): contact d answers 8 (03-02). Contact c of A
 * answers 10 (03-05), is taken off A and answers 2 (03-20): their latest has no segment, no
 * manager, no account. Account B (M1): contact e answers 9 (03-06), moves to C (segment T,
 * manager M2) and answers 3 (03-21): their latest belongs to C.
 *  by segment: S → d (8) only, n 1;  T → e (3), n 1.
 *  by manager: M1 → d (8) only;  M2 → e (3).
 *  by account, M1's book: A → d (8) only; B has no counted answer.
 */
describe("the breakdown's raw path", () => {
  it("takes each member's latest answer in the bucket before reading its segment, manager or account", async () => {
    const survey = await createSurvey();
    const [s, t] = [tag("s"), tag("t")];
    const m1 = await makeUser("manager");
    const m2 = await makeUser("manager");
    const a = await makeAccount({ name: "A", segment: s, startedOn: "2020-01-01", managerUserId: m1.userId });
    const b = await makeAccount({ name: "B", segment: s, startedOn: "2020-01-01", managerUserId: m1.userId });
    const cAcc = await makeAccount({ name: "C", segment: t, startedOn: "2020-01-01", managerUserId: m2.userId });
    await answer(survey.id, await makeContact(a), 8, "2026-03-02T10:00:00Z");
    const c = await makeContact(a);
    await answer(survey.id, c, 10, "2026-03-05T10:00:00Z");
    await db().update(contacts).set({ accountId: null }).where(eq(contacts.id, c)).run();
    await answer(survey.id, c, 2, "2026-03-20T10:00:00Z");
    const e = await makeContact(b);
    await answer(survey.id, e, 9, "2026-03-06T10:00:00Z");
    await db().update(contacts).set({ accountId: cAcc }).where(eq(contacts.id, e)).run();
    await answer(survey.id, e, 3, "2026-03-21T10:00:00Z");

    const h = (score: number) => Array.from({ length: 11 }, (_, i) => (i === score ? 1 : 0));
    const q = (by: BreakdownQuery["by"], managerScope: string | null): BreakdownQuery & { timeZone: string } => ({
      surveyId: survey.id,
      by,
      interval: "month",
      fromBucket: "2026-03-01",
      toBucket: "2026-04-01",
      managerScope,
      timeZone: "UTC",
    });
    const groups = (rows: { value: string; histogram: number[] }[]) =>
      rows
        .filter((r) => r.histogram.some((x) => x > 0))
        .map((r) => ({ value: r.value, histogram: r.histogram }))
        .sort((x, y) => (x.value < y.value ? -1 : 1));
    const expected = {
      segment: [
        { value: s, histogram: h(8) },
        { value: t, histogram: h(3) },
      ].sort((x, y) => (x.value < y.value ? -1 : 1)),
      manager: [
        { value: m1.userId, histogram: h(8) },
        { value: m2.userId, histogram: h(3) },
      ].sort((x, y) => (x.value < y.value ? -1 : 1)),
    };
    const dbh = createDb(db().$client);
    for (const by of ["segment", "manager"] as const) {
      expect(groups(await getBreakdownRaw(dbh, q(by, null))), by).toEqual(expected[by]);
      expect(groups(await getBreakdown(dbh, q(by, null))), `${by} (cube)`).toEqual(expected[by]);
    }
    const mine = [{ value: a, histogram: h(8) }];
    expect(groups(await getBreakdownRaw(dbh, q("account", m1.userId)))).toEqual(mine);
    expect(groups(await getBreakdown(dbh, q("account", m1.userId)))).toEqual(mine);
  });
});
