/** SQL twin of worker/domain/categories.ts `categoryOf`, built from the same bounds. */
import { sql, type SQL, type SQLWrapper } from "drizzle-orm";
import { CATEGORY_BOUNDS, SURVEY_KINDS, type Category, type SurveyKind } from "../../domain/categories";
import { responses, surveys } from "../schema";

/** `score`'s category on one kind's scale (the kind is known in the query, e.g. NPS only). */
export function categorySqlOfKind(kind: SurveyKind, score: SQLWrapper): SQL<Category> {
  const b = CATEGORY_BOUNDS[kind];
  // The bounds are our own constants, inlined as numbers so SQLite can use them in an index plan.
  return sql`(CASE WHEN ${score} >= ${sql.raw(String(b.promoter))} THEN 'promoter' WHEN ${score} >= ${sql.raw(String(b.passive))} THEN 'passive' ELSE 'detractor' END)`;
}

/** `score`'s category on the scale named by the `kind` column (a survey's kind). */
export function categorySqlFor(kind: SQLWrapper, score: SQLWrapper): SQL<Category> {
  const [last, ...others] = [...SURVEY_KINDS].reverse();
  const whens = others.reverse().map((k) => sql`WHEN ${sql.raw(`'${k}'`)} THEN ${categorySqlOfKind(k, score)}`);
  return sql`(CASE ${kind} ${sql.join(whens, sql` `)} ELSE ${categorySqlOfKind(last!, score)} END)`;
}

/** A response's category. Needs `surveys` joined on the response's survey. */
export const categorySql: SQL<Category> = categorySqlFor(surveys.kind, responses.score);
