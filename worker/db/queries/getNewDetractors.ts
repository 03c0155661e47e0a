/**
 * The new detractors of a period, for the monthly review: every answer under 7 to an NPS survey
 * given in [from, to), in a manager's book (the accounts they manage now) or in the workspace.
 * A month of a large workspace holds tens of thousands (26,048 in the benchmark's at 1M answers),
 * so they are counted in SQL and only the first `limit` by time are read. Rows, no rates.
 */
import { and, asc, eq, gte, inArray, lt, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import type { Db } from "../../env";
import { accounts, responses, surveys } from "../schema";

export interface NewDetractorsQuery {
  fromMs: number;
  toMs: number;
  /** A manager's id, or null for every account and anonymous answers too. */
  manager: string | null;
  limit: number;
}

/** A second name for `responses`, for the subquery that walks one survey's answers. */
const r2 = alias(responses, "r2");

export async function getNewDetractors(db: Db, q: NewDetractorsQuery) {
  const inPeriod = (r: Pick<typeof responses | typeof r2, "score" | "createdAt" | "accountId">) =>
    and(
      lt(r.score, 7),
      gte(r.createdAt, new Date(q.fromMs)),
      lt(r.createdAt, new Date(q.toMs)),
      q.manager === null
        ? undefined
        : inArray(r.accountId, db.select({ id: accounts.id }).from(accounts).where(eq(accounts.managerUserId, q.manager))),
    );
  // The first ones: each NPS survey's first `limit` in time, walked in order on its (survey, time)
  // index and stopped there, then the first `limit` of those. One ORDER BY over every survey's
  // answers would read and sort all of the month's. Answers given in the same millisecond at the
  // edge of a survey's first `limit` are taken in index order (they were in no set order before).
  const firstOfSurvey = db
    .select({ id: r2.id })
    .from(r2)
    .where(and(eq(r2.surveyId, surveys.id), inPeriod(r2)))
    .orderBy(asc(r2.createdAt))
    .limit(q.limit);
  const [[tally], first] = await db.batch([
    db
      .select({ count: sql<number>`count(*)`, silent: sql<number>`count(*) FILTER (WHERE coalesce(${responses.comment}, '') = '')` })
      .from(responses)
      .innerJoin(surveys, eq(surveys.id, responses.surveyId))
      .where(and(eq(surveys.kind, "nps"), inPeriod(responses))),
    db
      .select({
        id: responses.id,
        score: responses.score,
        comment: responses.comment,
        createdAt: responses.createdAt,
        accountId: responses.accountId,
        accountName: accounts.name,
      })
      .from(surveys)
      .innerJoin(responses, inArray(responses.id, firstOfSurvey))
      .leftJoin(accounts, eq(accounts.id, responses.accountId))
      .where(eq(surveys.kind, "nps"))
      .orderBy(asc(responses.createdAt), asc(responses.id))
      .limit(q.limit),
  ]);
  return { count: tally?.count ?? 0, silent: tally?.silent ?? 0, first };
}
