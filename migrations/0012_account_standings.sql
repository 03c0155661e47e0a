CREATE TABLE `account_standings` (
	`account_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`last_score` real,
	`previous_score` real,
	`change` real GENERATED ALWAYS AS (last_score - previous_score) VIRTUAL,
	`last_at` integer,
	PRIMARY KEY(`account_id`, `survey_id`),
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `account_standings_score_idx` ON `account_standings` (`survey_id`,`last_score`,`account_id`);--> statement-breakpoint
CREATE INDEX `account_standings_change_idx` ON `account_standings` (`survey_id`,`change`,`account_id`);--> statement-breakpoint
CREATE INDEX `account_standings_last_idx` ON `account_standings` (`survey_id`,`last_at`,`account_id`);--> statement-breakpoint
CREATE INDEX `account_standings_risk_idx` ON `account_standings` (`survey_id`,`account_id`) WHERE (last_score < 7 OR last_score - previous_score <= -3);--> statement-breakpoint
CREATE TABLE `metric_cache` (
	`key` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`survey_id` text,
	`as_of` text NOT NULL,
	`reads_until` text NOT NULL,
	`computed_at` integer NOT NULL,
	`body` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `metric_cache_reads_until_idx` ON `metric_cache` (`reads_until`);--> statement-breakpoint
CREATE INDEX `metric_cache_survey_idx` ON `metric_cache` (`survey_id`,`computed_at`);--> statement-breakpoint
CREATE TABLE `metric_cache_gen` (
	`id` integer PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `accounts_mrr_idx` ON `accounts` (`mrr_cents`,`id`);
-- hand-written below this line (drizzle-kit cannot express triggers).
--
-- 1. Account standings (docs/SCALING.md, "The accounts list"): each account's standing per NPS
--    survey and across every NPS survey (''), recomputed from the account's own half-year rows of
--    `counted` (counted_account_idx: a few rows) whenever one of them changes, so every write path
--    (answers, replacements, edits, erasure, reassignment, the time-zone rebuild) keeps it exact.
--    One row per account and NPS survey, answered or not: the list sorts and pages through an index.
--> statement-breakpoint
INSERT INTO metric_cache_gen (id, n) VALUES (1, 0), (2, 0);
--> statement-breakpoint
CREATE TRIGGER accounts_standings_insert AFTER INSERT ON accounts BEGIN
  INSERT INTO account_standings (account_id, survey_id)
  SELECT NEW.id, '' UNION ALL SELECT NEW.id, id FROM surveys WHERE kind = 'nps';
END;
--> statement-breakpoint
CREATE TRIGGER surveys_standings_insert AFTER INSERT ON surveys WHEN NEW.kind = 'nps' BEGIN
  INSERT INTO account_standings (account_id, survey_id) SELECT id, NEW.id FROM accounts;
END;
--> statement-breakpoint
CREATE TRIGGER surveys_standings_delete AFTER DELETE ON surveys BEGIN
  DELETE FROM account_standings WHERE survey_id = OLD.id;
END;
--> statement-breakpoint
CREATE TRIGGER counted_standings_insert AFTER INSERT ON counted
WHEN NEW.interval = 'half' AND NEW.account_id IS NOT NULL AND EXISTS (SELECT 1 FROM surveys WHERE id = NEW.survey_id AND kind = 'nps')
BEGIN
  UPDATE account_standings SET (last_score, previous_score, last_at) = (
    SELECT max(CASE WHEN h.rn = 1 THEN h.mean END), max(CASE WHEN h.rn = 2 THEN h.mean END), max(CASE WHEN h.rn = 1 THEN h.last_at END)
    FROM (SELECT avg(c.score) AS mean, max(c.created_at) AS last_at, row_number() OVER (ORDER BY c.bucket DESC) AS rn
          FROM counted AS c WHERE c.account_id = NEW.account_id AND c.interval = 'half' AND c.survey_id = NEW.survey_id
          GROUP BY c.bucket ORDER BY c.bucket DESC LIMIT 2) AS h)
  WHERE account_id = NEW.account_id AND survey_id = NEW.survey_id;
  UPDATE account_standings SET (last_score, previous_score, last_at) = (
    SELECT max(CASE WHEN h.rn = 1 THEN h.mean END), max(CASE WHEN h.rn = 2 THEN h.mean END), max(CASE WHEN h.rn = 1 THEN h.last_at END)
    FROM (SELECT avg(c.score) AS mean, max(c.created_at) AS last_at, row_number() OVER (ORDER BY c.bucket DESC) AS rn
          FROM counted AS c WHERE c.account_id = NEW.account_id AND c.interval = 'half' AND c.survey_id IN (SELECT id FROM surveys WHERE kind = 'nps')
          GROUP BY c.bucket ORDER BY c.bucket DESC LIMIT 2) AS h)
  WHERE account_id = NEW.account_id AND survey_id = '';
END;
--> statement-breakpoint
CREATE TRIGGER counted_standings_update AFTER UPDATE OF score, account_id, created_at, bucket ON counted
WHEN NEW.interval = 'half' AND (OLD.account_id IS NOT NULL OR NEW.account_id IS NOT NULL)
  AND (OLD.score IS NOT NEW.score OR OLD.account_id IS NOT NEW.account_id OR OLD.created_at IS NOT NEW.created_at OR OLD.bucket IS NOT NEW.bucket)
  AND EXISTS (SELECT 1 FROM surveys WHERE id = NEW.survey_id AND kind = 'nps')
BEGIN
  UPDATE account_standings SET (last_score, previous_score, last_at) = (
    SELECT max(CASE WHEN h.rn = 1 THEN h.mean END), max(CASE WHEN h.rn = 2 THEN h.mean END), max(CASE WHEN h.rn = 1 THEN h.last_at END)
    FROM (SELECT avg(c.score) AS mean, max(c.created_at) AS last_at, row_number() OVER (ORDER BY c.bucket DESC) AS rn
          FROM counted AS c WHERE c.account_id = NEW.account_id AND c.interval = 'half' AND c.survey_id = NEW.survey_id
          GROUP BY c.bucket ORDER BY c.bucket DESC LIMIT 2) AS h)
  WHERE account_id = NEW.account_id AND survey_id = NEW.survey_id;
  UPDATE account_standings SET (last_score, previous_score, last_at) = (
    SELECT max(CASE WHEN h.rn = 1 THEN h.mean END), max(CASE WHEN h.rn = 2 THEN h.mean END), max(CASE WHEN h.rn = 1 THEN h.last_at END)
    FROM (SELECT avg(c.score) AS mean, max(c.created_at) AS last_at, row_number() OVER (ORDER BY c.bucket DESC) AS rn
          FROM counted AS c WHERE c.account_id = NEW.account_id AND c.interval = 'half' AND c.survey_id IN (SELECT id FROM surveys WHERE kind = 'nps')
          GROUP BY c.bucket ORDER BY c.bucket DESC LIMIT 2) AS h)
  WHERE account_id = NEW.account_id AND survey_id = '';
  UPDATE account_standings SET (last_score, previous_score, last_at) = (
    SELECT max(CASE WHEN h.rn = 1 THEN h.mean END), max(CASE WHEN h.rn = 2 THEN h.mean END), max(CASE WHEN h.rn = 1 THEN h.last_at END)
    FROM (SELECT avg(c.score) AS mean, max(c.created_at) AS last_at, row_number() OVER (ORDER BY c.bucket DESC) AS rn
          FROM counted AS c WHERE c.account_id = OLD.account_id AND c.interval = 'half' AND c.survey_id = OLD.survey_id
          GROUP BY c.bucket ORDER BY c.bucket DESC LIMIT 2) AS h)
  WHERE account_id = OLD.account_id AND survey_id = OLD.survey_id AND OLD.account_id IS NOT NEW.account_id;
  UPDATE account_standings SET (last_score, previous_score, last_at) = (
    SELECT max(CASE WHEN h.rn = 1 THEN h.mean END), max(CASE WHEN h.rn = 2 THEN h.mean END), max(CASE WHEN h.rn = 1 THEN h.last_at END)
    FROM (SELECT avg(c.score) AS mean, max(c.created_at) AS last_at, row_number() OVER (ORDER BY c.bucket DESC) AS rn
          FROM counted AS c WHERE c.account_id = OLD.account_id AND c.interval = 'half' AND c.survey_id IN (SELECT id FROM surveys WHERE kind = 'nps')
          GROUP BY c.bucket ORDER BY c.bucket DESC LIMIT 2) AS h)
  WHERE account_id = OLD.account_id AND survey_id = '' AND OLD.account_id IS NOT NEW.account_id;
END;
--> statement-breakpoint
CREATE TRIGGER counted_standings_delete AFTER DELETE ON counted
WHEN OLD.interval = 'half' AND OLD.account_id IS NOT NULL
BEGIN
  UPDATE account_standings SET (last_score, previous_score, last_at) = (
    SELECT max(CASE WHEN h.rn = 1 THEN h.mean END), max(CASE WHEN h.rn = 2 THEN h.mean END), max(CASE WHEN h.rn = 1 THEN h.last_at END)
    FROM (SELECT avg(c.score) AS mean, max(c.created_at) AS last_at, row_number() OVER (ORDER BY c.bucket DESC) AS rn
          FROM counted AS c WHERE c.account_id = OLD.account_id AND c.interval = 'half' AND c.survey_id = OLD.survey_id
          GROUP BY c.bucket ORDER BY c.bucket DESC LIMIT 2) AS h)
  WHERE account_id = OLD.account_id AND survey_id = OLD.survey_id;
  UPDATE account_standings SET (last_score, previous_score, last_at) = (
    SELECT max(CASE WHEN h.rn = 1 THEN h.mean END), max(CASE WHEN h.rn = 2 THEN h.mean END), max(CASE WHEN h.rn = 1 THEN h.last_at END)
    FROM (SELECT avg(c.score) AS mean, max(c.created_at) AS last_at, row_number() OVER (ORDER BY c.bucket DESC) AS rn
          FROM counted AS c WHERE c.account_id = OLD.account_id AND c.interval = 'half' AND c.survey_id IN (SELECT id FROM surveys WHERE kind = 'nps')
          GROUP BY c.bucket ORDER BY c.bucket DESC LIMIT 2) AS h)
  WHERE account_id = OLD.account_id AND survey_id = '';
END;
--> statement-breakpoint
-- backfill:start (bench/bulkStandings.mjs runs these two statements after its bulk load)
INSERT OR IGNORE INTO account_standings (account_id, survey_id)
SELECT id, '' FROM accounts UNION ALL SELECT a.id, s.id FROM accounts AS a CROSS JOIN surveys AS s WHERE s.kind = 'nps';
--> statement-breakpoint
UPDATE account_standings SET (last_score, previous_score, last_at) = (
    SELECT max(CASE WHEN h.rn = 1 THEN h.mean END), max(CASE WHEN h.rn = 2 THEN h.mean END), max(CASE WHEN h.rn = 1 THEN h.last_at END)
    FROM (SELECT avg(c.score) AS mean, max(c.created_at) AS last_at, row_number() OVER (ORDER BY c.bucket DESC) AS rn
          FROM counted AS c WHERE c.account_id = account_standings.account_id AND c.interval = 'half' AND (c.survey_id = account_standings.survey_id OR (account_standings.survey_id = '' AND c.survey_id IN (SELECT id FROM surveys WHERE kind = 'nps')))
          GROUP BY c.bucket ORDER BY c.bucket DESC LIMIT 2) AS h)
  WHERE EXISTS (SELECT 1 FROM counted AS c WHERE c.account_id = account_standings.account_id AND c.interval = 'half');
-- backfill:end
--> statement-breakpoint
-- 2. The metric cache (worker/services/metricCache.ts): a change deletes the cached results that
--    read the account state it alters (reads_until on or after the date it takes effect) and bumps
--    the generation, so that a result computed from a snapshot taken before the change is not stored.
--    Account changes: the earliest date whose state changes (a churn date change: the earlier of
--    the two churn dates; a start or MRR change: the earlier start date); a segment or manager
--    change moves the account and its answers between scopes: every stored result goes.
CREATE TRIGGER accounts_cache_insert AFTER INSERT ON accounts BEGIN
  DELETE FROM metric_cache WHERE reads_until >= NEW.started_on;
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER accounts_cache_delete AFTER DELETE ON accounts BEGIN
  DELETE FROM metric_cache WHERE reads_until >= OLD.started_on;
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER accounts_cache_update AFTER UPDATE OF started_on, churned_on, mrr_cents, segment, manager_user_id ON accounts
WHEN OLD.started_on IS NOT NEW.started_on OR OLD.churned_on IS NOT NEW.churned_on OR OLD.mrr_cents IS NOT NEW.mrr_cents
  OR OLD.segment IS NOT NEW.segment OR OLD.manager_user_id IS NOT NEW.manager_user_id
BEGIN
  DELETE FROM metric_cache WHERE reads_until >= CASE
    WHEN OLD.segment IS NOT NEW.segment OR OLD.manager_user_id IS NOT NEW.manager_user_id THEN ''
    WHEN OLD.started_on IS NEW.started_on AND OLD.mrr_cents IS NEW.mrr_cents
    THEN min(coalesce(OLD.churned_on, '9999-12-31'), coalesce(NEW.churned_on, '9999-12-31'))
    ELSE min(OLD.started_on, NEW.started_on) END;
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER account_mrr_cache_insert AFTER INSERT ON account_mrr BEGIN
  DELETE FROM metric_cache WHERE kind = 'retention' AND reads_until >= CASE
    WHEN EXISTS (SELECT 1 FROM account_mrr WHERE account_id = NEW.account_id AND effective_on < NEW.effective_on) THEN NEW.effective_on
    ELSE min(NEW.effective_on, coalesce((SELECT started_on FROM accounts WHERE id = NEW.account_id), NEW.effective_on)) END;
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER account_mrr_cache_delete AFTER DELETE ON account_mrr BEGIN
  DELETE FROM metric_cache WHERE kind = 'retention' AND reads_until >= CASE
    WHEN EXISTS (SELECT 1 FROM account_mrr WHERE account_id = OLD.account_id AND effective_on < OLD.effective_on) THEN OLD.effective_on
    ELSE min(OLD.effective_on, coalesce((SELECT started_on FROM accounts WHERE id = OLD.account_id), OLD.effective_on)) END;
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER account_mrr_cache_update AFTER UPDATE ON account_mrr BEGIN
  DELETE FROM metric_cache WHERE kind = 'retention' AND reads_until >= min(OLD.effective_on, NEW.effective_on, coalesce((SELECT started_on FROM accounts WHERE id = NEW.account_id), NEW.effective_on));
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 1;
END;
--> statement-breakpoint
CREATE TRIGGER responses_cache_insert AFTER INSERT ON responses WHEN NEW.account_id IS NOT NULL BEGIN
  DELETE FROM metric_cache WHERE kind = 'by_category' AND survey_id = NEW.survey_id
    AND (computed_at > NEW.created_at - 300000 OR NEW.wave_id IS NOT NULL);
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 2 AND (NEW.created_at < cast(unixepoch('subsec') * 1000 AS integer) - 300000 OR NEW.wave_id IS NOT NULL
    OR EXISTS (SELECT 1 FROM waves WHERE survey_id = NEW.survey_id AND opens_at <= NEW.created_at AND closes_at + 300000 > NEW.created_at));
END;
--> statement-breakpoint
CREATE TRIGGER responses_cache_delete AFTER DELETE ON responses WHEN OLD.account_id IS NOT NULL BEGIN
  DELETE FROM metric_cache WHERE kind = 'by_category' AND survey_id = OLD.survey_id
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
  DELETE FROM metric_cache WHERE kind = 'by_category' AND survey_id = OLD.survey_id
    AND (computed_at > OLD.created_at - 300000 OR OLD.wave_id IS NOT NULL);
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 2 AND (OLD.created_at < cast(unixepoch('subsec') * 1000 AS integer) - 300000 OR OLD.wave_id IS NOT NULL
    OR EXISTS (SELECT 1 FROM waves WHERE survey_id = OLD.survey_id AND opens_at <= OLD.created_at AND closes_at + 300000 > OLD.created_at));
  DELETE FROM metric_cache WHERE kind = 'by_category' AND survey_id = NEW.survey_id
    AND (computed_at > NEW.created_at - 300000 OR NEW.wave_id IS NOT NULL);
  UPDATE metric_cache_gen SET n = n + 1 WHERE id = 2 AND (NEW.created_at < cast(unixepoch('subsec') * 1000 AS integer) - 300000 OR NEW.wave_id IS NOT NULL
    OR EXISTS (SELECT 1 FROM waves WHERE survey_id = NEW.survey_id AND opens_at <= NEW.created_at AND closes_at + 300000 > NEW.created_at));
END;
