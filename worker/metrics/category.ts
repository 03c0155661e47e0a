/**
 * The category of one score, for every survey kind, so comments can be filtered and detractors
 * followed up whatever the scale. The rule itself is worker/domain/categories.ts; the SQL twin is
 * worker/db/queries/scoreCategory.ts; test/unit/categories.test.ts pins both.
 */
export { CATEGORIES, CATEGORY_BOUNDS, categoryOf as scoreCategory } from "../domain/categories";
