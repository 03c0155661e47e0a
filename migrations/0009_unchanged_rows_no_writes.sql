-- hand-written (drizzle-kit cannot express triggers): registered with `drizzle-kit generate --custom`.
--
-- Fewer D1 rows written per answer (docs/SCALING.md). The two update triggers of
-- migrations/0001_rollup_triggers.sql fired whenever a listed column was *assigned*, even to the
-- same value. The widget's comment arriving re-sends the score, so each comment cost a `counted`
-- update and 36 rollup upserts that cancelled out (−1 then +1 on the same rows); a contact's
-- newer answer with the same score and attributes did the same. Same bodies, now only WHEN a value
-- the rollups depend on changes.
DROP TRIGGER responses_counted_update;
--> statement-breakpoint
CREATE TRIGGER responses_counted_update AFTER UPDATE OF score, channel, locale, account_id, segment, manager_user_id ON responses
WHEN OLD.score IS NOT NEW.score OR OLD.channel IS NOT NEW.channel OR OLD.locale IS NOT NEW.locale
  OR OLD.account_id IS NOT NEW.account_id OR OLD.segment IS NOT NEW.segment OR OLD.manager_user_id IS NOT NEW.manager_user_id
BEGIN
  UPDATE counted SET score = NEW.score, channel = NEW.channel, locale = NEW.locale,
    account_id = NEW.account_id, segment = NEW.segment, manager_user_id = NEW.manager_user_id
  WHERE response_id = NEW.id;
END;
--> statement-breakpoint
DROP TRIGGER counted_rollups_update;
--> statement-breakpoint
CREATE TRIGGER counted_rollups_update AFTER UPDATE ON counted
WHEN OLD.survey_id IS NOT NEW.survey_id OR OLD.interval IS NOT NEW.interval OR OLD.bucket IS NOT NEW.bucket
  OR OLD.score IS NOT NEW.score OR OLD.channel IS NOT NEW.channel OR OLD.locale IS NOT NEW.locale
  OR OLD.account_id IS NOT NEW.account_id OR OLD.segment IS NOT NEW.segment OR OLD.manager_user_id IS NOT NEW.manager_user_id
BEGIN
  INSERT INTO rollups (survey_id, interval, bucket, dim, dim_value, n, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)
  SELECT OLD.survey_id, OLD.interval, OLD.bucket, d.column1, d.column2, -1, -(OLD.score = 0), -(OLD.score = 1), -(OLD.score = 2), -(OLD.score = 3), -(OLD.score = 4), -(OLD.score = 5), -(OLD.score = 6), -(OLD.score = 7), -(OLD.score = 8), -(OLD.score = 9), -(OLD.score = 10)
  FROM (VALUES ('all', ''), ('channel', OLD.channel), ('locale', OLD.locale), ('segment', OLD.segment), ('manager', OLD.manager_user_id), ('account', OLD.account_id)) AS d
  WHERE d.column2 IS NOT NULL
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
  INSERT INTO rollups (survey_id, interval, bucket, dim, dim_value, n, s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10)
  SELECT NEW.survey_id, NEW.interval, NEW.bucket, d.column1, d.column2, +1, +(NEW.score = 0), +(NEW.score = 1), +(NEW.score = 2), +(NEW.score = 3), +(NEW.score = 4), +(NEW.score = 5), +(NEW.score = 6), +(NEW.score = 7), +(NEW.score = 8), +(NEW.score = 9), +(NEW.score = 10)
  FROM (VALUES ('all', ''), ('channel', NEW.channel), ('locale', NEW.locale), ('segment', NEW.segment), ('manager', NEW.manager_user_id), ('account', NEW.account_id)) AS d
  WHERE d.column2 IS NOT NULL
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
END;
