/** SQL twin of worker/metrics/category.ts: a response's category from its survey's kind. */
import { sql, type SQL } from "drizzle-orm";
import { CATEGORY_BOUNDS } from "../../metrics/category";
import { responses, surveys } from "../schema";

const { nps, csat, ces } = CATEGORY_BOUNDS;

/** Needs `surveys` joined on the response's survey. Bounds are constants, inlined as numbers. */
export const categorySql: SQL<"promoter" | "passive" | "detractor"> = sql`(CASE ${surveys.kind}
  WHEN 'nps' THEN (CASE WHEN ${responses.score} >= ${sql.raw(String(nps.promoter))} THEN 'promoter' WHEN ${responses.score} >= ${sql.raw(String(nps.passive))} THEN 'passive' ELSE 'detractor' END)
  WHEN 'csat' THEN (CASE WHEN ${responses.score} >= ${sql.raw(String(csat.promoter))} THEN 'promoter' WHEN ${responses.score} >= ${sql.raw(String(csat.passive))} THEN 'passive' ELSE 'detractor' END)
  ELSE (CASE WHEN ${responses.score} >= ${sql.raw(String(ces.promoter))} THEN 'promoter' WHEN ${responses.score} >= ${sql.raw(String(ces.passive))} THEN 'passive' ELSE 'detractor' END)
END)`;
