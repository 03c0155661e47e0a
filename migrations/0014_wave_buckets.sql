-- hand-written (drizzle-kit cannot express triggers), printed by scripts/gen-wave-triggers.mjs.
--
-- Waves as a bucketing of their own (docs/METRICS.md, "By wave"; docs/SCALING.md): `counted` keeps,
-- per wave (interval 'wave', bucket = the wave id), each member's latest answer tied to the wave,
-- and the triggers on `counted` keep `rollups` (all, account) and `cube` per wave as per month.
-- The by-wave overview then reads a few rows per wave instead of every answer of the wave.
-- Kept on insert, replacement, edit (responses_counted_update already updates every counted row of
-- an answer), delete and erasure, and when an answer's wave changes (or its wave is deleted: the
-- foreign key sets wave_id to NULL, an UPDATE). A time-zone rebuild moves calendar buckets only.
CREATE TRIGGER responses_counted_wave_insert AFTER INSERT ON responses WHEN NEW.wave_id IS NOT NULL BEGIN
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT NEW.survey_id, 'wave', NEW.wave_id, COALESCE(NEW.contact_id, 'r:' || NEW.id), NEW.id, NEW.score, NEW.channel, NEW.locale, NEW.account_id, NEW.segment, NEW.manager_user_id, NEW.created_at
  WHERE NEW.wave_id IS NOT NULL
  ON CONFLICT (survey_id, interval, bucket, member) DO UPDATE SET
    response_id = excluded.response_id, score = excluded.score, channel = excluded.channel,
    locale = excluded.locale, account_id = excluded.account_id, segment = excluded.segment,
    manager_user_id = excluded.manager_user_id, created_at = excluded.created_at
  WHERE excluded.created_at > counted.created_at
     OR (excluded.created_at = counted.created_at AND excluded.response_id > counted.response_id);
END;
--> statement-breakpoint
CREATE TRIGGER responses_counted_wave AFTER UPDATE OF wave_id ON responses
WHEN OLD.wave_id IS NOT NEW.wave_id
BEGIN
  DELETE FROM counted WHERE response_id = NEW.id AND interval = 'wave';
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT r.survey_id, 'wave', r.wave_id, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND OLD.wave_id IS NOT NULL AND r.contact_id = OLD.contact_id AND +r.survey_id = OLD.survey_id AND +r.wave_id = OLD.wave_id
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT NEW.survey_id, 'wave', NEW.wave_id, COALESCE(NEW.contact_id, 'r:' || NEW.id), NEW.id, NEW.score, NEW.channel, NEW.locale, NEW.account_id, NEW.segment, NEW.manager_user_id, NEW.created_at
  WHERE NEW.wave_id IS NOT NULL
  ON CONFLICT (survey_id, interval, bucket, member) DO UPDATE SET
    response_id = excluded.response_id, score = excluded.score, channel = excluded.channel,
    locale = excluded.locale, account_id = excluded.account_id, segment = excluded.segment,
    manager_user_id = excluded.manager_user_id, created_at = excluded.created_at
  WHERE excluded.created_at > counted.created_at
     OR (excluded.created_at = counted.created_at AND excluded.response_id > counted.response_id);
END;
--> statement-breakpoint
DROP TRIGGER responses_counted_delete;
--> statement-breakpoint
CREATE TRIGGER responses_counted_delete AFTER DELETE ON responses BEGIN
  DELETE FROM counted WHERE response_id = OLD.id;
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT r.survey_id, 'month', r.bucket_month, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND r.contact_id = OLD.contact_id AND +r.survey_id = OLD.survey_id AND +r.bucket_month = OLD.bucket_month
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT r.survey_id, 'quarter', r.bucket_quarter, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND r.contact_id = OLD.contact_id AND +r.survey_id = OLD.survey_id AND +r.bucket_quarter = OLD.bucket_quarter
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT r.survey_id, 'half', r.bucket_half, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND r.contact_id = OLD.contact_id AND +r.survey_id = OLD.survey_id AND +r.bucket_half = OLD.bucket_half
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT r.survey_id, 'wave', r.wave_id, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND OLD.wave_id IS NOT NULL AND r.contact_id = OLD.contact_id AND +r.survey_id = OLD.survey_id AND +r.wave_id = OLD.wave_id
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;
END;
--> statement-breakpoint
DROP TRIGGER responses_counted_rebucket;
--> statement-breakpoint
-- A time-zone rebuild rewrites calendar buckets: the answer's wave row stays where it is.
CREATE TRIGGER responses_counted_rebucket AFTER UPDATE OF bucket_month, bucket_quarter, bucket_half ON responses
WHEN OLD.bucket_month IS NOT NEW.bucket_month OR OLD.bucket_quarter IS NOT NEW.bucket_quarter OR OLD.bucket_half IS NOT NEW.bucket_half
BEGIN
  DELETE FROM counted WHERE response_id = NEW.id AND interval <> 'wave';
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT r.survey_id, 'month', r.bucket_month, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND r.contact_id = OLD.contact_id AND +r.survey_id = OLD.survey_id AND +r.bucket_month = OLD.bucket_month
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT r.survey_id, 'quarter', r.bucket_quarter, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND r.contact_id = OLD.contact_id AND +r.survey_id = OLD.survey_id AND +r.bucket_quarter = OLD.bucket_quarter
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT r.survey_id, 'half', r.bucket_half, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND r.contact_id = OLD.contact_id AND +r.survey_id = OLD.survey_id AND +r.bucket_half = OLD.bucket_half
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  VALUES
    (NEW.survey_id, 'month', NEW.bucket_month, COALESCE(NEW.contact_id, 'r:' || NEW.id), NEW.id, NEW.score, NEW.channel, NEW.locale, NEW.account_id, NEW.segment, NEW.manager_user_id, NEW.created_at),
    (NEW.survey_id, 'quarter', NEW.bucket_quarter, COALESCE(NEW.contact_id, 'r:' || NEW.id), NEW.id, NEW.score, NEW.channel, NEW.locale, NEW.account_id, NEW.segment, NEW.manager_user_id, NEW.created_at),
    (NEW.survey_id, 'half', NEW.bucket_half, COALESCE(NEW.contact_id, 'r:' || NEW.id), NEW.id, NEW.score, NEW.channel, NEW.locale, NEW.account_id, NEW.segment, NEW.manager_user_id, NEW.created_at)
  ON CONFLICT (survey_id, interval, bucket, member) DO UPDATE SET
    response_id = excluded.response_id, score = excluded.score, channel = excluded.channel,
    locale = excluded.locale, account_id = excluded.account_id, segment = excluded.segment,
    manager_user_id = excluded.manager_user_id, created_at = excluded.created_at
  WHERE excluded.created_at > counted.created_at
     OR (excluded.created_at = counted.created_at AND excluded.response_id > counted.response_id);
END;
--> statement-breakpoint
-- The answers already tied to a wave: each member's latest per wave (the triggers on counted
-- build the wave rows of rollups and cube as they go).
INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
SELECT survey_id, 'wave', wave_id, member, id, score, channel, locale, account_id, segment, manager_user_id, created_at
FROM (SELECT r.*, coalesce(r.contact_id, 'r:' || r.id) AS member,
             row_number() OVER (PARTITION BY r.survey_id, r.wave_id, coalesce(r.contact_id, 'r:' || r.id) ORDER BY r.created_at DESC, r.id DESC) AS rn
      FROM responses AS r WHERE r.wave_id IS NOT NULL)
WHERE rn = 1;
