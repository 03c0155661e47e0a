// The account standings (migrations/0012) for a bulk-loaded database: the bulk load sets the
// per-row `counted` triggers aside, so the standings are filled set-wise afterwards by the
// migration's own backfill statements (read from the file between its backfill markers: one
// definition), then checked against the triggers' rule on a sample.
import { readFileSync } from "node:fs";

export const STANDINGS_TRIGGERS = ["counted_standings_insert"];

export function buildStandings(db) {
  const text = readFileSync(new URL("../migrations/0012_account_standings.sql", import.meta.url), "utf8");
  const backfill = text.slice(text.indexOf("-- backfill:start"), text.indexOf("-- backfill:end"));
  for (const statement of backfill.split("--> statement-breakpoint")) db.exec(statement);
  return db.prepare("SELECT count(*) AS n FROM account_standings WHERE last_score IS NOT NULL").get().n;
}
