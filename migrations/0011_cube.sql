CREATE TABLE `cube` (
	`survey_id` text NOT NULL,
	`interval` text NOT NULL,
	`bucket` text NOT NULL,
	`channel` text NOT NULL,
	`locale` text NOT NULL,
	`segment` text NOT NULL,
	`manager` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	`s0` integer DEFAULT 0 NOT NULL,
	`s1` integer DEFAULT 0 NOT NULL,
	`s2` integer DEFAULT 0 NOT NULL,
	`s3` integer DEFAULT 0 NOT NULL,
	`s4` integer DEFAULT 0 NOT NULL,
	`s5` integer DEFAULT 0 NOT NULL,
	`s6` integer DEFAULT 0 NOT NULL,
	`s7` integer DEFAULT 0 NOT NULL,
	`s8` integer DEFAULT 0 NOT NULL,
	`s9` integer DEFAULT 0 NOT NULL,
	`s10` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`survey_id`, `interval`, `bucket`, `channel`, `locale`, `segment`, `manager`)
);

--> statement-breakpoint
-- hand-written (drizzle-kit cannot express triggers), printed by scripts/gen-cube-triggers.mjs.
--
-- The cube (docs/SCALING.md): one score histogram per survey, interval, bucket and combination of
-- channel, locale, segment and manager, so any combination of those filters is a sum over rows
-- instead of a read of every answer. It replaces the single-dimension channel, locale, segment and
-- manager rows of `rollups` (their figures are sums over the cube), so the triggers on `counted`
-- now write 3 rows per counted row (all, account, cube) instead of 6.
--
-- An update of a counted row (a newer answer replacing the member's, a score edit, a re-attributed
-- account, a time-zone move) writes the difference of the old and new contributions once per
-- target row: when both land on the same row only one upsert happens, and none when it is zero.
DROP TRIGGER counted_rollups_insert;
--> statement-breakpoint
DROP TRIGGER counted_rollups_update;
--> statement-breakpoint
DROP TRIGGER counted_rollups_delete;
--> statement-breakpoint
CREATE TRIGGER counted_rollups_insert AFTER INSERT ON counted BEGIN
  INSERT INTO rollups (survey_id, interval, bucket, dim, dim_value, n, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)
  SELECT d.survey_id, d.interval, d.bucket, d.dim, d.dim_value, sum(d.n), sum(d.s0), sum(d.s1), sum(d.s2), sum(d.s3), sum(d.s4), sum(d.s5), sum(d.s6), sum(d.s7), sum(d.s8), sum(d.s9), sum(d.s10)
  FROM (SELECT NEW.survey_id AS survey_id, NEW.interval AS interval, NEW.bucket AS bucket, 'all' AS dim, '' AS dim_value, +1 AS n, +(NEW.score = 0) AS s0, +(NEW.score = 1) AS s1, +(NEW.score = 2) AS s2, +(NEW.score = 3) AS s3, +(NEW.score = 4) AS s4, +(NEW.score = 5) AS s5, +(NEW.score = 6) AS s6, +(NEW.score = 7) AS s7, +(NEW.score = 8) AS s8, +(NEW.score = 9) AS s9, +(NEW.score = 10) AS s10
      UNION ALL SELECT NEW.survey_id, NEW.interval, NEW.bucket, 'account', NEW.account_id, +1, +(NEW.score = 0), +(NEW.score = 1), +(NEW.score = 2), +(NEW.score = 3), +(NEW.score = 4), +(NEW.score = 5), +(NEW.score = 6), +(NEW.score = 7), +(NEW.score = 8), +(NEW.score = 9), +(NEW.score = 10)) AS d
  WHERE d.dim_value IS NOT NULL
  GROUP BY d.survey_id, d.interval, d.bucket, d.dim, d.dim_value
  HAVING sum(d.n) <> 0 OR sum(d.s0) <> 0 OR sum(d.s1) <> 0 OR sum(d.s2) <> 0 OR sum(d.s3) <> 0 OR sum(d.s4) <> 0 OR sum(d.s5) <> 0 OR sum(d.s6) <> 0 OR sum(d.s7) <> 0 OR sum(d.s8) <> 0 OR sum(d.s9) <> 0 OR sum(d.s10) <> 0
  ON CONFLICT (survey_id, interval, dim, dim_value, bucket) DO UPDATE SET
    n = n + excluded.n,
    s0 = s0 + excluded.s0,
    s1 = s1 + excluded.s1,
    s2 = s2 + excluded.s2,
    s3 = s3 + excluded.s3,
    s4 = s4 + excluded.s4,
    s5 = s5 + excluded.s5,
    s6 = s6 + excluded.s6,
    s7 = s7 + excluded.s7,
    s8 = s8 + excluded.s8,
    s9 = s9 + excluded.s9,
    s10 = s10 + excluded.s10;
  INSERT INTO cube (survey_id, interval, bucket, channel, locale, segment, manager, n, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)
  SELECT d.survey_id, d.interval, d.bucket, d.channel, d.locale, d.segment, d.manager, sum(d.n), sum(d.s0), sum(d.s1), sum(d.s2), sum(d.s3), sum(d.s4), sum(d.s5), sum(d.s6), sum(d.s7), sum(d.s8), sum(d.s9), sum(d.s10)
  FROM (SELECT NEW.survey_id AS survey_id, NEW.interval AS interval, NEW.bucket AS bucket, NEW.channel AS channel, NEW.locale AS locale, coalesce(NEW.segment, '') AS segment, coalesce(NEW.manager_user_id, '') AS manager, +1 AS n, +(NEW.score = 0) AS s0, +(NEW.score = 1) AS s1, +(NEW.score = 2) AS s2, +(NEW.score = 3) AS s3, +(NEW.score = 4) AS s4, +(NEW.score = 5) AS s5, +(NEW.score = 6) AS s6, +(NEW.score = 7) AS s7, +(NEW.score = 8) AS s8, +(NEW.score = 9) AS s9, +(NEW.score = 10) AS s10) AS d
  WHERE true
  GROUP BY d.survey_id, d.interval, d.bucket, d.channel, d.locale, d.segment, d.manager
  HAVING sum(d.n) <> 0 OR sum(d.s0) <> 0 OR sum(d.s1) <> 0 OR sum(d.s2) <> 0 OR sum(d.s3) <> 0 OR sum(d.s4) <> 0 OR sum(d.s5) <> 0 OR sum(d.s6) <> 0 OR sum(d.s7) <> 0 OR sum(d.s8) <> 0 OR sum(d.s9) <> 0 OR sum(d.s10) <> 0
  ON CONFLICT (survey_id, interval, bucket, channel, locale, segment, manager) DO UPDATE SET
    n = n + excluded.n,
    s0 = s0 + excluded.s0,
    s1 = s1 + excluded.s1,
    s2 = s2 + excluded.s2,
    s3 = s3 + excluded.s3,
    s4 = s4 + excluded.s4,
    s5 = s5 + excluded.s5,
    s6 = s6 + excluded.s6,
    s7 = s7 + excluded.s7,
    s8 = s8 + excluded.s8,
    s9 = s9 + excluded.s9,
    s10 = s10 + excluded.s10;
END;
--> statement-breakpoint
CREATE TRIGGER counted_rollups_update AFTER UPDATE ON counted
WHEN OLD.survey_id IS NOT NEW.survey_id OR OLD.interval IS NOT NEW.interval OR OLD.bucket IS NOT NEW.bucket
  OR OLD.score IS NOT NEW.score OR OLD.channel IS NOT NEW.channel OR OLD.locale IS NOT NEW.locale
  OR OLD.account_id IS NOT NEW.account_id OR OLD.segment IS NOT NEW.segment OR OLD.manager_user_id IS NOT NEW.manager_user_id
BEGIN
  INSERT INTO rollups (survey_id, interval, bucket, dim, dim_value, n, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)
  SELECT d.survey_id, d.interval, d.bucket, d.dim, d.dim_value, sum(d.n), sum(d.s0), sum(d.s1), sum(d.s2), sum(d.s3), sum(d.s4), sum(d.s5), sum(d.s6), sum(d.s7), sum(d.s8), sum(d.s9), sum(d.s10)
  FROM (SELECT OLD.survey_id AS survey_id, OLD.interval AS interval, OLD.bucket AS bucket, 'all' AS dim, '' AS dim_value, -1 AS n, -(OLD.score = 0) AS s0, -(OLD.score = 1) AS s1, -(OLD.score = 2) AS s2, -(OLD.score = 3) AS s3, -(OLD.score = 4) AS s4, -(OLD.score = 5) AS s5, -(OLD.score = 6) AS s6, -(OLD.score = 7) AS s7, -(OLD.score = 8) AS s8, -(OLD.score = 9) AS s9, -(OLD.score = 10) AS s10
      UNION ALL SELECT OLD.survey_id, OLD.interval, OLD.bucket, 'account', OLD.account_id, -1, -(OLD.score = 0), -(OLD.score = 1), -(OLD.score = 2), -(OLD.score = 3), -(OLD.score = 4), -(OLD.score = 5), -(OLD.score = 6), -(OLD.score = 7), -(OLD.score = 8), -(OLD.score = 9), -(OLD.score = 10)
      UNION ALL SELECT NEW.survey_id, NEW.interval, NEW.bucket, 'all', '', +1, +(NEW.score = 0), +(NEW.score = 1), +(NEW.score = 2), +(NEW.score = 3), +(NEW.score = 4), +(NEW.score = 5), +(NEW.score = 6), +(NEW.score = 7), +(NEW.score = 8), +(NEW.score = 9), +(NEW.score = 10)
      UNION ALL SELECT NEW.survey_id, NEW.interval, NEW.bucket, 'account', NEW.account_id, +1, +(NEW.score = 0), +(NEW.score = 1), +(NEW.score = 2), +(NEW.score = 3), +(NEW.score = 4), +(NEW.score = 5), +(NEW.score = 6), +(NEW.score = 7), +(NEW.score = 8), +(NEW.score = 9), +(NEW.score = 10)) AS d
  WHERE d.dim_value IS NOT NULL
  GROUP BY d.survey_id, d.interval, d.bucket, d.dim, d.dim_value
  HAVING sum(d.n) <> 0 OR sum(d.s0) <> 0 OR sum(d.s1) <> 0 OR sum(d.s2) <> 0 OR sum(d.s3) <> 0 OR sum(d.s4) <> 0 OR sum(d.s5) <> 0 OR sum(d.s6) <> 0 OR sum(d.s7) <> 0 OR sum(d.s8) <> 0 OR sum(d.s9) <> 0 OR sum(d.s10) <> 0
  ON CONFLICT (survey_id, interval, dim, dim_value, bucket) DO UPDATE SET
    n = n + excluded.n,
    s0 = s0 + excluded.s0,
    s1 = s1 + excluded.s1,
    s2 = s2 + excluded.s2,
    s3 = s3 + excluded.s3,
    s4 = s4 + excluded.s4,
    s5 = s5 + excluded.s5,
    s6 = s6 + excluded.s6,
    s7 = s7 + excluded.s7,
    s8 = s8 + excluded.s8,
    s9 = s9 + excluded.s9,
    s10 = s10 + excluded.s10;
  INSERT INTO cube (survey_id, interval, bucket, channel, locale, segment, manager, n, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)
  SELECT d.survey_id, d.interval, d.bucket, d.channel, d.locale, d.segment, d.manager, sum(d.n), sum(d.s0), sum(d.s1), sum(d.s2), sum(d.s3), sum(d.s4), sum(d.s5), sum(d.s6), sum(d.s7), sum(d.s8), sum(d.s9), sum(d.s10)
  FROM (SELECT OLD.survey_id AS survey_id, OLD.interval AS interval, OLD.bucket AS bucket, OLD.channel AS channel, OLD.locale AS locale, coalesce(OLD.segment, '') AS segment, coalesce(OLD.manager_user_id, '') AS manager, -1 AS n, -(OLD.score = 0) AS s0, -(OLD.score = 1) AS s1, -(OLD.score = 2) AS s2, -(OLD.score = 3) AS s3, -(OLD.score = 4) AS s4, -(OLD.score = 5) AS s5, -(OLD.score = 6) AS s6, -(OLD.score = 7) AS s7, -(OLD.score = 8) AS s8, -(OLD.score = 9) AS s9, -(OLD.score = 10) AS s10
      UNION ALL SELECT NEW.survey_id, NEW.interval, NEW.bucket, NEW.channel, NEW.locale, coalesce(NEW.segment, ''), coalesce(NEW.manager_user_id, ''), +1, +(NEW.score = 0), +(NEW.score = 1), +(NEW.score = 2), +(NEW.score = 3), +(NEW.score = 4), +(NEW.score = 5), +(NEW.score = 6), +(NEW.score = 7), +(NEW.score = 8), +(NEW.score = 9), +(NEW.score = 10)) AS d
  WHERE true
  GROUP BY d.survey_id, d.interval, d.bucket, d.channel, d.locale, d.segment, d.manager
  HAVING sum(d.n) <> 0 OR sum(d.s0) <> 0 OR sum(d.s1) <> 0 OR sum(d.s2) <> 0 OR sum(d.s3) <> 0 OR sum(d.s4) <> 0 OR sum(d.s5) <> 0 OR sum(d.s6) <> 0 OR sum(d.s7) <> 0 OR sum(d.s8) <> 0 OR sum(d.s9) <> 0 OR sum(d.s10) <> 0
  ON CONFLICT (survey_id, interval, bucket, channel, locale, segment, manager) DO UPDATE SET
    n = n + excluded.n,
    s0 = s0 + excluded.s0,
    s1 = s1 + excluded.s1,
    s2 = s2 + excluded.s2,
    s3 = s3 + excluded.s3,
    s4 = s4 + excluded.s4,
    s5 = s5 + excluded.s5,
    s6 = s6 + excluded.s6,
    s7 = s7 + excluded.s7,
    s8 = s8 + excluded.s8,
    s9 = s9 + excluded.s9,
    s10 = s10 + excluded.s10;
END;
--> statement-breakpoint
CREATE TRIGGER counted_rollups_delete AFTER DELETE ON counted BEGIN
  INSERT INTO rollups (survey_id, interval, bucket, dim, dim_value, n, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)
  SELECT d.survey_id, d.interval, d.bucket, d.dim, d.dim_value, sum(d.n), sum(d.s0), sum(d.s1), sum(d.s2), sum(d.s3), sum(d.s4), sum(d.s5), sum(d.s6), sum(d.s7), sum(d.s8), sum(d.s9), sum(d.s10)
  FROM (SELECT OLD.survey_id AS survey_id, OLD.interval AS interval, OLD.bucket AS bucket, 'all' AS dim, '' AS dim_value, -1 AS n, -(OLD.score = 0) AS s0, -(OLD.score = 1) AS s1, -(OLD.score = 2) AS s2, -(OLD.score = 3) AS s3, -(OLD.score = 4) AS s4, -(OLD.score = 5) AS s5, -(OLD.score = 6) AS s6, -(OLD.score = 7) AS s7, -(OLD.score = 8) AS s8, -(OLD.score = 9) AS s9, -(OLD.score = 10) AS s10
      UNION ALL SELECT OLD.survey_id, OLD.interval, OLD.bucket, 'account', OLD.account_id, -1, -(OLD.score = 0), -(OLD.score = 1), -(OLD.score = 2), -(OLD.score = 3), -(OLD.score = 4), -(OLD.score = 5), -(OLD.score = 6), -(OLD.score = 7), -(OLD.score = 8), -(OLD.score = 9), -(OLD.score = 10)) AS d
  WHERE d.dim_value IS NOT NULL
  GROUP BY d.survey_id, d.interval, d.bucket, d.dim, d.dim_value
  HAVING sum(d.n) <> 0 OR sum(d.s0) <> 0 OR sum(d.s1) <> 0 OR sum(d.s2) <> 0 OR sum(d.s3) <> 0 OR sum(d.s4) <> 0 OR sum(d.s5) <> 0 OR sum(d.s6) <> 0 OR sum(d.s7) <> 0 OR sum(d.s8) <> 0 OR sum(d.s9) <> 0 OR sum(d.s10) <> 0
  ON CONFLICT (survey_id, interval, dim, dim_value, bucket) DO UPDATE SET
    n = n + excluded.n,
    s0 = s0 + excluded.s0,
    s1 = s1 + excluded.s1,
    s2 = s2 + excluded.s2,
    s3 = s3 + excluded.s3,
    s4 = s4 + excluded.s4,
    s5 = s5 + excluded.s5,
    s6 = s6 + excluded.s6,
    s7 = s7 + excluded.s7,
    s8 = s8 + excluded.s8,
    s9 = s9 + excluded.s9,
    s10 = s10 + excluded.s10;
  INSERT INTO cube (survey_id, interval, bucket, channel, locale, segment, manager, n, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)
  SELECT d.survey_id, d.interval, d.bucket, d.channel, d.locale, d.segment, d.manager, sum(d.n), sum(d.s0), sum(d.s1), sum(d.s2), sum(d.s3), sum(d.s4), sum(d.s5), sum(d.s6), sum(d.s7), sum(d.s8), sum(d.s9), sum(d.s10)
  FROM (SELECT OLD.survey_id AS survey_id, OLD.interval AS interval, OLD.bucket AS bucket, OLD.channel AS channel, OLD.locale AS locale, coalesce(OLD.segment, '') AS segment, coalesce(OLD.manager_user_id, '') AS manager, -1 AS n, -(OLD.score = 0) AS s0, -(OLD.score = 1) AS s1, -(OLD.score = 2) AS s2, -(OLD.score = 3) AS s3, -(OLD.score = 4) AS s4, -(OLD.score = 5) AS s5, -(OLD.score = 6) AS s6, -(OLD.score = 7) AS s7, -(OLD.score = 8) AS s8, -(OLD.score = 9) AS s9, -(OLD.score = 10) AS s10) AS d
  WHERE true
  GROUP BY d.survey_id, d.interval, d.bucket, d.channel, d.locale, d.segment, d.manager
  HAVING sum(d.n) <> 0 OR sum(d.s0) <> 0 OR sum(d.s1) <> 0 OR sum(d.s2) <> 0 OR sum(d.s3) <> 0 OR sum(d.s4) <> 0 OR sum(d.s5) <> 0 OR sum(d.s6) <> 0 OR sum(d.s7) <> 0 OR sum(d.s8) <> 0 OR sum(d.s9) <> 0 OR sum(d.s10) <> 0
  ON CONFLICT (survey_id, interval, bucket, channel, locale, segment, manager) DO UPDATE SET
    n = n + excluded.n,
    s0 = s0 + excluded.s0,
    s1 = s1 + excluded.s1,
    s2 = s2 + excluded.s2,
    s3 = s3 + excluded.s3,
    s4 = s4 + excluded.s4,
    s5 = s5 + excluded.s5,
    s6 = s6 + excluded.s6,
    s7 = s7 + excluded.s7,
    s8 = s8 + excluded.s8,
    s9 = s9 + excluded.s9,
    s10 = s10 + excluded.s10;
END;
--> statement-breakpoint
-- The cube of the answers already counted, then the rollup rows it replaces dropped.
INSERT INTO cube (survey_id, interval, bucket, channel, locale, segment, manager, n, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)
SELECT survey_id, interval, bucket, channel, locale, coalesce(segment, ''), coalesce(manager_user_id, ''), count(*), sum(score = 0), sum(score = 1), sum(score = 2), sum(score = 3), sum(score = 4), sum(score = 5), sum(score = 6), sum(score = 7), sum(score = 8), sum(score = 9), sum(score = 10)
FROM counted
GROUP BY survey_id, interval, bucket, channel, locale, coalesce(segment, ''), coalesce(manager_user_id, '');
--> statement-breakpoint
DELETE FROM rollups WHERE dim IN ('channel', 'locale', 'segment', 'manager');
