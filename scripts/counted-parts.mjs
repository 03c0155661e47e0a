// The pieces of SQL every generator of the `counted` triggers prints (scripts/gen-rollup-triggers.mjs,
// scripts/gen-wave-triggers.mjs), written once: the columns of a counted row, the calendar
// intervals with their bucket column, one answer's row, and the rule that a newer answer wins.
export const countedCols =
  "survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at";
export const calendar = [
  ["month", "bucket_month"],
  ["quarter", "bucket_quarter"],
  ["half", "bucket_half"],
];
/** The counted row of the answer NEW in `interval`, its bucket given by `bucketExpr`. */
export const rowValues = (interval, bucketExpr) =>
  `(NEW.survey_id, '${interval}', ${bucketExpr}, COALESCE(NEW.contact_id, 'r:' || NEW.id), NEW.id, NEW.score, NEW.channel, NEW.locale, NEW.account_id, NEW.segment, NEW.manager_user_id, NEW.created_at)`;
/** A member's newer answer takes the place; an older one (an import of the past) does not. */
export const latestWins = `  ON CONFLICT (survey_id, interval, bucket, member) DO UPDATE SET
    response_id = excluded.response_id, score = excluded.score, channel = excluded.channel,
    locale = excluded.locale, account_id = excluded.account_id, segment = excluded.segment,
    manager_user_id = excluded.manager_user_id, created_at = excluded.created_at
  WHERE excluded.created_at > counted.created_at
     OR (excluded.created_at = counted.created_at AND excluded.response_id > counted.response_id);`;
