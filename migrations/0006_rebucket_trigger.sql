-- hand-written (drizzle-kit cannot express triggers): registered with `drizzle-kit generate --custom`.
--
-- Time-zone changes. Bucket columns (`bucket_month` …) are computed in the workspace zone when an
-- answer is written; when the zone changes, worker/jobs/rebucket.ts rewrites them in bounded
-- batches. This trigger moves the answer's `counted` rows (and, through counted's triggers, the
-- rollups) along with its bucket columns, so `counted` and `rollups` always agree with the bucket
-- columns, even half-way through a rebuild. Writing the same buckets again changes nothing (WHEN).
--
-- For the old buckets it hands the member's place to their latest remaining answer there (as the
-- delete trigger does); in the new buckets the answer takes the place only if it is later.
CREATE TRIGGER responses_counted_rebucket AFTER UPDATE OF bucket_month, bucket_quarter, bucket_half ON responses
WHEN OLD.bucket_month IS NOT NEW.bucket_month OR OLD.bucket_quarter IS NOT NEW.bucket_quarter OR OLD.bucket_half IS NOT NEW.bucket_half
BEGIN
  DELETE FROM counted WHERE response_id = NEW.id;
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT r.survey_id, 'month', r.bucket_month, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND r.survey_id = OLD.survey_id AND r.contact_id = OLD.contact_id AND r.bucket_month = OLD.bucket_month
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT r.survey_id, 'quarter', r.bucket_quarter, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND r.survey_id = OLD.survey_id AND r.contact_id = OLD.contact_id AND r.bucket_quarter = OLD.bucket_quarter
  ORDER BY r.created_at DESC, r.id DESC LIMIT 1
  ON CONFLICT DO NOTHING;
  INSERT INTO counted (survey_id, interval, bucket, member, response_id, score, channel, locale, account_id, segment, manager_user_id, created_at)
  SELECT r.survey_id, 'half', r.bucket_half, r.contact_id, r.id, r.score, r.channel, r.locale, r.account_id, r.segment, r.manager_user_id, r.created_at
  FROM responses AS r
  WHERE OLD.contact_id IS NOT NULL AND r.survey_id = OLD.survey_id AND r.contact_id = OLD.contact_id AND r.bucket_half = OLD.bucket_half
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
-- The zone the bucket columns and rollups are built in (worker/jobs/rebucket.ts). Databases made
-- before this migration were built in whatever TIMEZONE was set; 'UTC' is the default. If that
-- guess is wrong, the first cron run sees the difference and rebuilds: rows already in the right
-- zone are left alone, and reads take the exact raw path until it is done.
INSERT INTO settings (key, value) VALUES ('rollups.time_zone', '{"zone":"UTC"}') ON CONFLICT (key) DO NOTHING;
