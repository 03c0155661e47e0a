-- Customer value by category joins the metric cache (kind 'value', services/retentionViews.ts
-- valueView). It reads what retention reads (accounts and their MRR history, every date on or
-- before its as-of date, which is its reads_until) and what retention by category reads (the
-- survey's answers in closed waves and ended half-years). The account triggers of 0012 already drop
-- every kind; these are the MRR and answer triggers of 0012 with 'value' added to the kinds they
-- drop, otherwise unchanged.
DROP TRIGGER account_mrr_cache_insert;
--> statement-breakpoint
DROP TRIGGER account_mrr_cache_delete;
--> statement-breakpoint
DROP TRIGGER account_mrr_cache_update;
--> statement-breakpoint
DROP TRIGGER responses_cache_insert;
--> statement-breakpoint
DROP TRIGGER responses_cache_delete;
--> statement-breakpoint
DROP TRIGGER responses_cache_update;
--> statement-breakpoint
CREATE TRIGGER account_mrr_cache_insert AFTER INSERT ON account_mrr BEGIN
  DELETE FROM metric_cache WHERE kind IN ('retention', 'value') AND reads_until >= CASE
    WHEN EXISTS (SELECT 1 FROM account_mrr WHERE account_id = NEW.account_id AND effective_on < NEW.effective_on) THEN NEW.effective_on
    ELSE min(NEW.effective_on, coalesce((SELECT started_on FROM accounts WHERE id = NEW.account_id), NEW.effective_on)) END;
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER account_mrr_cache_delete AFTER DELETE ON account_mrr BEGIN
  DELETE FROM metric_cache WHERE kind IN ('retention', 'value') AND reads_until >= CASE
    WHEN EXISTS (SELECT 1 FROM account_mrr WHERE account_id = OLD.account_id AND effective_on < OLD.effective_on) THEN OLD.effective_on
    ELSE min(OLD.effective_on, coalesce((SELECT started_on FROM accounts WHERE id = OLD.account_id), OLD.effective_on)) END;
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER account_mrr_cache_update AFTER UPDATE ON account_mrr BEGIN
  DELETE FROM metric_cache WHERE kind IN ('retention', 'value') AND reads_until >= min(OLD.effective_on, NEW.effective_on, coalesce((SELECT started_on FROM accounts WHERE id = NEW.account_id), NEW.effective_on));
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER responses_cache_insert AFTER INSERT ON responses WHEN NEW.account_id IS NOT NULL BEGIN
  DELETE FROM metric_cache WHERE kind IN ('by_category', 'value') AND survey_id = NEW.survey_id
    AND (computed_at > NEW.created_at - 300000 OR NEW.wave_id IS NOT NULL);
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 2 AND (NEW.created_at < cast(unixepoch('subsec') * 1000 AS integer) - 300000 OR NEW.wave_id IS NOT NULL
    OR EXISTS (SELECT 1 FROM waves WHERE survey_id = NEW.survey_id AND opens_at <= NEW.created_at AND closes_at + 300000 > NEW.created_at));
END;
--> statement-breakpoint
CREATE TRIGGER responses_cache_delete AFTER DELETE ON responses WHEN OLD.account_id IS NOT NULL BEGIN
  DELETE FROM metric_cache WHERE kind IN ('by_category', 'value') AND survey_id = OLD.survey_id
    AND (computed_at > OLD.created_at - 300000 OR OLD.wave_id IS NOT NULL);
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 2 AND (OLD.created_at < cast(unixepoch('subsec') * 1000 AS integer) - 300000 OR OLD.wave_id IS NOT NULL
    OR EXISTS (SELECT 1 FROM waves WHERE survey_id = OLD.survey_id AND opens_at <= OLD.created_at AND closes_at + 300000 > OLD.created_at));
END;
--> statement-breakpoint
CREATE TRIGGER responses_cache_update AFTER UPDATE OF score, account_id, contact_id, wave_id, created_at, bucket_half ON responses
WHEN (OLD.account_id IS NOT NULL OR NEW.account_id IS NOT NULL)
  AND (OLD.score IS NOT NEW.score OR OLD.account_id IS NOT NEW.account_id OR OLD.contact_id IS NOT NEW.contact_id OR OLD.wave_id IS NOT NEW.wave_id
    OR OLD.created_at IS NOT NEW.created_at OR OLD.bucket_half IS NOT NEW.bucket_half)
BEGIN
  DELETE FROM metric_cache WHERE kind IN ('by_category', 'value') AND survey_id = OLD.survey_id
    AND (computed_at > OLD.created_at - 300000 OR OLD.wave_id IS NOT NULL);
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 2 AND (OLD.created_at < cast(unixepoch('subsec') * 1000 AS integer) - 300000 OR OLD.wave_id IS NOT NULL
    OR EXISTS (SELECT 1 FROM waves WHERE survey_id = OLD.survey_id AND opens_at <= OLD.created_at AND closes_at + 300000 > OLD.created_at));
  DELETE FROM metric_cache WHERE kind IN ('by_category', 'value') AND survey_id = NEW.survey_id
    AND (computed_at > NEW.created_at - 300000 OR NEW.wave_id IS NOT NULL);
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 2 AND (NEW.created_at < cast(unixepoch('subsec') * 1000 AS integer) - 300000 OR NEW.wave_id IS NOT NULL
    OR EXISTS (SELECT 1 FROM waves WHERE survey_id = NEW.survey_id AND opens_at <= NEW.created_at AND closes_at + 300000 > NEW.created_at));
END;
