/**
 * "At risk" as SQL over `account_standings` (alias-free column names): a detractor mean (below
 * the NPS passive bound), or down AT_RISK_DROP points or more. Literal numbers, not bound
 * parameters, so that SQLite can match a query's condition to the partial index built on the same
 * text (account_standings_risk_idx); both come from here and from domain/categories.ts.
 */
import { CATEGORY_BOUNDS } from "../../domain/categories";

/** An account is at risk when its score drops by this much or more (points, one half to the next). */
export const AT_RISK_DROP = 3;

export const AT_RISK_SQL = `(last_score < ${CATEGORY_BOUNDS.nps.passive} OR last_score - previous_score <= ${-AT_RISK_DROP})`;
