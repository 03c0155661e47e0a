// Generator of the hand-written migrations/0014_wave_buckets.sql: `node scripts/gen-wave-triggers.mjs`
// prints it byte for byte (test/node/migrations.test.ts checks it).
//
// A wave is a bucketing of its own: `counted` gets a row with interval 'wave' and bucket = the wave
// id for each member's latest answer tied to a wave (`responses.wave_id`), so the triggers on
// `counted` (migrations/0011_cube.sql, unchanged) keep `rollups` (all, account) and `cube` per wave
// as they do per month. The calendar intervals' triggers of migrations/0001 and 0006 are printed
// here from the same pieces (scripts/counted-parts.mjs, shared with gen-rollup-triggers.mjs), with the wave added where
// an answer's wave matters and left out where only calendar buckets move (a time-zone rebuild).
import { calendar, countedCols, latestWins, rowValues } from "./counted-parts.mjs";

/**
 * The member's latest remaining answer in `OLD`'s bucket takes the place `OLD` left. `+` keeps
 * SQLite on the contact's index (contact × time, which also gives the order): the survey's or the
 * wave's index would read every answer of the survey or of the wave.
 */
const handOver = (interval, column, guard = "") => `  INSERT INTO counted (${countedCols})
  SELECT r.survey_id, '${interval}', r.${column}, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL${guard} AND r.contact_id = OLD.contact_id AND +r.survey_id = OLD.survey_id AND +r.${column} = OLD.${column}
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;`;
const waveHandOver = handOver("wave", "wave_id", " AND OLD.wave_id IS NOT NULL");
const waveInsert = `  INSERT INTO counted (${countedCols})
  SELECT ${rowValues("wave", "NEW.wave_id").slice(1, -1)}
  WHERE NEW.wave_id IS NOT NULL
${latestWins}`;

const out = [];
out.push(`-- hand-written (drizzle-kit cannot express triggers), printed by scripts/gen-wave-triggers.mjs.
--
-- Waves as a bucketing of their own (docs/METRICS.md, "By wave"; docs/SCALING.md): \`counted\` keeps,
-- per wave (interval 'wave', bucket = the wave id), each member's latest answer tied to the wave,
-- and the triggers on \`counted\` keep \`rollups\` (all, account) and \`cube\` per wave as per month.
-- The by-wave overview then reads a few rows per wave instead of every answer of the wave.
-- Kept on insert, replacement, edit (responses_counted_update already updates every counted row of
-- an answer), delete and erasure, and when an answer's wave changes (or its wave is deleted: the
-- foreign key sets wave_id to NULL, an UPDATE). A time-zone rebuild moves calendar buckets only.
CREATE TRIGGER responses_counted_wave_insert AFTER INSERT ON responses WHEN NEW.wave_id IS NOT NULL BEGIN
${waveInsert}
END;`);
out.push(`CREATE TRIGGER responses_counted_wave AFTER UPDATE OF wave_id ON responses
WHEN OLD.wave_id IS NOT NEW.wave_id
BEGIN
  DELETE FROM counted WHERE response_id = NEW.id AND interval = 'wave';
${waveHandOver}
${waveInsert}
END;`);
out.push("DROP TRIGGER responses_counted_delete;");
out.push(`CREATE TRIGGER responses_counted_delete AFTER DELETE ON responses BEGIN
  DELETE FROM counted WHERE response_id = OLD.id;
${[...calendar.map(([i, c]) => handOver(i, c)), waveHandOver].join("\n")}
END;`);
out.push("DROP TRIGGER responses_counted_rebucket;");
out.push(`-- A time-zone rebuild rewrites calendar buckets: the answer's wave row stays where it is.
CREATE TRIGGER responses_counted_rebucket AFTER UPDATE OF bucket_month, bucket_quarter, bucket_half ON responses
WHEN OLD.bucket_month IS NOT NEW.bucket_month OR OLD.bucket_quarter IS NOT NEW.bucket_quarter OR OLD.bucket_half IS NOT NEW.bucket_half
BEGIN
  DELETE FROM counted WHERE response_id = NEW.id AND interval <> 'wave';
${calendar.map(([i, c]) => handOver(i, c)).join("\n")}
  INSERT INTO counted (${countedCols})
  VALUES
    ${calendar.map(([i, c]) => rowValues(i, `NEW.${c}`)).join(",\n    ")}
${latestWins}
END;`);
out.push(`-- The answers already tied to a wave: each member's latest per wave (the triggers on counted
-- build the wave rows of rollups and cube as they go).
INSERT INTO counted (${countedCols})
SELECT survey_id, 'wave', wave_id, member, id, score, channel, locale, account_id, segment, manager_user_id, created_at
FROM (SELECT r.*, coalesce(r.contact_id, 'r:' || r.id) AS member,
             row_number() OVER (PARTITION BY r.survey_id, r.wave_id, coalesce(r.contact_id, 'r:' || r.id) ORDER BY r.created_at DESC, r.id DESC) AS rn
      FROM responses AS r WHERE r.wave_id IS NOT NULL)
WHERE rn = 1;`);
process.stdout.write(`${out.join("\n--> statement-breakpoint\n")}\n`);
