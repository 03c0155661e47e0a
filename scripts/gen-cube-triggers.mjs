// Generator of the hand-written part of migrations/0011_cube.sql (everything after drizzle-kit's
// CREATE TABLE): `node scripts/gen-cube-triggers.mjs` prints it byte for byte
// (test/node/migrations.test.ts checks it), so the eleven-column arithmetic is generated, not typed.
const S = Array.from({ length: 11 }, (_, i) => i);
const hist = ["n", ...S.map((i) => `s${i}`)];
const cols = hist.join(", ");
const contrib = (row, sign) => [`${sign}1`, ...S.map((i) => `${sign}(${row}.score = ${i})`)].join(", ");
const addSet = hist.map((c) => `${c} = ${c} + excluded.${c}`).join(",\n    ");
const sums = hist.map((c) => `sum(d.${c})`).join(", ");
// A zero difference (the same row out and in, the same score) writes nothing.
const nonZero = hist.map((c) => `sum(d.${c}) <> 0`).join(" OR ");
const cubeKey = "survey_id, interval, bucket, channel, locale, segment, manager";
const rollupKey = "survey_id, interval, dim, dim_value, bucket";
const cubeValues = (row, sign) =>
  `(${row}.survey_id, ${row}.interval, ${row}.bucket, ${row}.channel, ${row}.locale, coalesce(${row}.segment, ''), coalesce(${row}.manager_user_id, ''), ${contrib(row, sign)})`;
const rollupValues = (row, sign) => [
  `(${row}.survey_id, ${row}.interval, ${row}.bucket, 'all', '', ${contrib(row, sign)})`,
  `(${row}.survey_id, ${row}.interval, ${row}.bucket, 'account', ${row}.account_id, ${contrib(row, sign)})`,
];
// Named columns over the rows, a compound SELECT of at most four terms (D1 caps compound SELECTs at
// five; and SQLite does not resolve the columns of a VALUES list that refers to NEW or OLD).
const named = (names, rows) =>
  `(${rows
    .map(
      (row, r) =>
        `SELECT ${splitRow(row)
          .map((e, i) => (r === 0 ? `${e} AS ${names[i]}` : e))
          .join(", ")}`,
    )
    .join("\n      UNION ALL ")})`;
/** The expressions of one generated row, `(a, b, (c = 1))` → [a, b, (c = 1)]. */
function splitRow(row) {
  const parts = [];
  let depth = 0;
  let cur = "";
  for (const ch of row.slice(1, -1)) {
    if (ch === "," && depth === 0) {
      parts.push(cur.trim());
      cur = "";
      continue;
    }
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    cur += ch;
  }
  parts.push(cur.trim());
  return parts;
}
const rollupNames = ["survey_id", "interval", "bucket", "dim", "dim_value", ...hist];
const cubeNames = ["survey_id", "interval", "bucket", "channel", "locale", "segment", "manager", ...hist];

/** One statement per table: the rows' contributions summed per key, then added on conflict. */
const applyRollups = (rows) => `  INSERT INTO rollups (survey_id, interval, bucket, dim, dim_value, ${cols})
  SELECT d.survey_id, d.interval, d.bucket, d.dim, d.dim_value, ${sums}
  FROM ${named(rollupNames, rows)} AS d
  WHERE d.dim_value IS NOT NULL
  GROUP BY d.survey_id, d.interval, d.bucket, d.dim, d.dim_value
  HAVING ${nonZero}
  ON CONFLICT (${rollupKey}) DO UPDATE SET
    ${addSet};`;
const applyCube = (rows) => `  INSERT INTO cube (${cubeKey}, ${cols})
  SELECT d.survey_id, d.interval, d.bucket, d.channel, d.locale, d.segment, d.manager, ${sums}
  FROM ${named(cubeNames, rows)} AS d
  WHERE true
  GROUP BY d.survey_id, d.interval, d.bucket, d.channel, d.locale, d.segment, d.manager
  HAVING ${nonZero}
  ON CONFLICT (${cubeKey}) DO UPDATE SET
    ${addSet};`;

const out = [];
out.push(`-- hand-written (drizzle-kit cannot express triggers), printed by scripts/gen-cube-triggers.mjs.
--
-- The cube (docs/SCALING.md): one score histogram per survey, interval, bucket and combination of
-- channel, locale, segment and manager, so any combination of those filters is a sum over rows
-- instead of a read of every answer. It replaces the single-dimension channel, locale, segment and
-- manager rows of \`rollups\` (their figures are sums over the cube), so the triggers on \`counted\`
-- now write 3 rows per counted row (all, account, cube) instead of 6.
--
-- An update of a counted row (a newer answer replacing the member's, a score edit, a re-attributed
-- account, a time-zone move) writes the difference of the old and new contributions once per
-- target row: when both land on the same row only one upsert happens, and none when it is zero.
DROP TRIGGER counted_rollups_insert;`);
out.push("DROP TRIGGER counted_rollups_update;");
out.push("DROP TRIGGER counted_rollups_delete;");
out.push(`CREATE TRIGGER counted_rollups_insert AFTER INSERT ON counted BEGIN
${applyRollups(rollupValues("NEW", "+"))}
${applyCube([cubeValues("NEW", "+")])}
END;`);
out.push(`CREATE TRIGGER counted_rollups_update AFTER UPDATE ON counted
WHEN OLD.survey_id IS NOT NEW.survey_id OR OLD.interval IS NOT NEW.interval OR OLD.bucket IS NOT NEW.bucket
  OR OLD.score IS NOT NEW.score OR OLD.channel IS NOT NEW.channel OR OLD.locale IS NOT NEW.locale
  OR OLD.account_id IS NOT NEW.account_id OR OLD.segment IS NOT NEW.segment OR OLD.manager_user_id IS NOT NEW.manager_user_id
BEGIN
${applyRollups([...rollupValues("OLD", "-"), ...rollupValues("NEW", "+")])}
${applyCube([cubeValues("OLD", "-"), cubeValues("NEW", "+")])}
END;`);
out.push(`CREATE TRIGGER counted_rollups_delete AFTER DELETE ON counted BEGIN
${applyRollups(rollupValues("OLD", "-"))}
${applyCube([cubeValues("OLD", "-")])}
END;`);
out.push(`-- The cube of the answers already counted, then the rollup rows it replaces dropped.
INSERT INTO cube (${cubeKey}, ${cols})
SELECT survey_id, interval, bucket, channel, locale, coalesce(segment, ''), coalesce(manager_user_id, ''), count(*), ${S.map((i) => `sum(score = ${i})`).join(", ")}
FROM counted
GROUP BY survey_id, interval, bucket, channel, locale, coalesce(segment, ''), coalesce(manager_user_id, '');`);
out.push("DELETE FROM rollups WHERE dim IN ('channel', 'locale', 'segment', 'manager');");
process.stdout.write(`${out.join("\n--> statement-breakpoint\n")}\n`);
