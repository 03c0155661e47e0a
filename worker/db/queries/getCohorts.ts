/** Accounts' start and churn dates (cohorts; retention by category), optionally by start range. */
import { and, gte, lt, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import type { AccountSpan } from "../../metrics/retention";
import { accounts } from "../schema";

export interface CohortQuery {
  where: SQL | undefined;
  /** started_on in [startedFrom, startedBefore), each bound optional. */
  startedFrom?: string;
  startedBefore?: string;
}

export async function getCohorts(db: Db, q: CohortQuery): Promise<AccountSpan[]> {
  return db
    .select({ id: accounts.id, startedOn: accounts.startedOn, churnedOn: accounts.churnedOn })
    .from(accounts)
    .where(
      and(
        q.where,
        q.startedFrom === undefined ? undefined : gte(accounts.startedOn, q.startedFrom),
        q.startedBefore === undefined ? undefined : lt(accounts.startedOn, q.startedBefore),
      ),
    )
    .all();
}
