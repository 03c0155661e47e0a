-- Rollups kept by triggers, so every path that writes a response (API, widget, link page,
-- imports, seed, erasure) keeps them exact inside the same transaction. See docs/ARCHITECTURE.md.
--
-- responses --(latest per member and bucket)--> counted --(score histogram per dimension)--> rollups
--> statement-breakpoint
CREATE TRIGGER responses_counted_insert AFTER INSERT ON responses BEGIN
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
CREATE TRIGGER responses_counted_update AFTER UPDATE OF score, channel, locale, account_id, segment, manager_user_id ON responses BEGIN
  UPDATE counted SET score = NEW.score, channel = NEW.channel, locale = NEW.locale,
    account_id = NEW.account_id, segment = NEW.segment, manager_user_id = NEW.manager_user_id
  WHERE response_id = NEW.id;
END;
--> statement-breakpoint
CREATE TRIGGER responses_counted_delete AFTER DELETE ON responses BEGIN
  DELETE FROM counted WHERE response_id = OLD.id;
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
END;
--> statement-breakpoint
CREATE TRIGGER counted_rollups_insert AFTER INSERT ON counted BEGIN
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
--> statement-breakpoint
CREATE TRIGGER counted_rollups_update AFTER UPDATE ON counted BEGIN
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
--> statement-breakpoint
CREATE TRIGGER counted_rollups_delete AFTER DELETE ON counted BEGIN
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
END;
