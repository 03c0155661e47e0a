/** Valid scores per survey kind: defined with the categories in worker/domain/categories.ts. */
export { isValidScore, SCORE_RANGE } from "../domain/categories";
