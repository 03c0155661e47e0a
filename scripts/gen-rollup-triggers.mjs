// Writes the SQL of the rollup triggers (migrations/0001_rollup_triggers.sql was produced by it).
// Kept so the eleven-column arithmetic is generated, not typed; never re-run on a landed migration.
const S = Array.from({ length: 11 }, (_, i) => i);
const cols = ["n", ...S.map((i) => `s${i}`)].join(", ");
const contrib = (row, sign) =>
  [`${sign}1`, ...S.map((i) => `${sign}(${row}.score = ${i})`)].join(", ");
const addSet = ["n = n + excluded.n", ...S.map((i) => `s${i} = s${i} + excluded.s${i}`)].join(",\n    ");
// A VALUES list, not UNION ALL: D1 caps the number of terms in a compound SELECT.
const dims = (row) =>
  `(VALUES ('all', ''), ('channel', ${row}.channel), ('locale', ${row}.locale), ('segment', ${row}.segment),` +
  ` ('manager', ${row}.manager_user_id), ('account', ${row}.account_id))`;
const apply = (row, sign) => `  INSERT INTO rollups (survey_id, interval, bucket, dim, dim_value, ${cols})
  SELECT ${row}.survey_id, ${row}.interval, ${row}.bucket, d.column1, d.column2, ${contrib(row, sign)}
  FROM ${dims(row)} AS d
  WHERE d.column2 IS NOT NULL
  ON CONFLICT (survey_id, interval, dim, dim_value, bucket) DO UPDATE SET
    ${addSet};`;
const countedCols =
  "survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at";
const countedValues = (interval, col) =>
  `(NEW.survey_id, '${interval}', NEW.${col}, COALESCE(NEW.contact_id, 'r:' || NEW.id), NEW.id, NEW.score, NEW.channel, NEW.locale, NEW.account_id, NEW.segment, NEW.manager_user_id, NEW.created_at)`;
const intervals = [["month", "bucket_month"], ["quarter", "bucket_quarter"], ["half", "bucket_half"]];
const out = [];
out.push(`-- Rollups kept by triggers, so every path that writes a response (API, widget, link page,
-- imports, seed, erasure) keeps them exact inside the same transaction. See docs/ARCHITECTURE.md.
--
-- responses --(latest per member and bucket)--> counted --(score histogram per dimension)--> rollups`);
out.push(`CREATE TRIGGER responses_counted_insert AFTER INSERT ON responses BEGIN
  INSERT INTO counted (${countedCols})
  VALUES
    ${intervals.map(([i, c]) => countedValues(i, c)).join(",\n    ")}
  ON CONFLICT (survey_id, interval, bucket, member) DO UPDATE SET
    response_id = excluded.response_id, score = excluded.score, channel = excluded.channel,
    locale = excluded.locale, account_id = excluded.account_id, segment = excluded.segment,
    manager_user_id = excluded.manager_user_id, created_at = excluded.created_at
  WHERE excluded.created_at > counted.created_at
     OR (excluded.created_at = counted.created_at AND excluded.response_id > counted.response_id);
END;`);
out.push(`CREATE TRIGGER responses_counted_update AFTER UPDATE OF score, channel, locale, account_id, segment, manager_user_id ON responses BEGIN
  UPDATE counted SET score = NEW.score, channel = NEW.channel, locale = NEW.locale,
    account_id = NEW.account_id, segment = NEW.segment, manager_user_id = NEW.manager_user_id
  WHERE response_id = NEW.id;
END;`);
// A deleted response (GDPR erasure) hands its place to the member's previous one in the bucket.
out.push(`CREATE TRIGGER responses_counted_delete AFTER DELETE ON responses BEGIN
  DELETE FROM counted WHERE response_id = OLD.id;
${intervals
  .map(
    ([i, c]) => `  INSERT INTO counted (${countedCols})
  SELECT r.survey_id, '${i}', r.${c}, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND r.survey_id = OLD.survey_id AND r.contact_id = OLD.contact_id AND r.${c} = OLD.${c}
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;`,
  )
  .join("\n")}
END;`);
out.push(`CREATE TRIGGER counted_rollups_insert AFTER INSERT ON counted BEGIN
${apply("NEW", "+")}
END;`);
out.push(`CREATE TRIGGER counted_rollups_update AFTER UPDATE ON counted BEGIN
${apply("OLD", "-")}
${apply("NEW", "+")}
END;`);
out.push(`CREATE TRIGGER counted_rollups_delete AFTER DELETE ON counted BEGIN
${apply("OLD", "-")}
END;`);
process.stdout.write(out.join("\n--> statement-breakpoint\n") + "\n");
