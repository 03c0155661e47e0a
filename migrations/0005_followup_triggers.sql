-- Close the loop (docs/METRICS.md, "Follow-ups"): every detractor answer is a follow-up item,
-- created in the same transaction as the answer whichever path wrote it (API, widget, link page,
-- seed), owned by the account's manager when that person can act on it (an active admin or
-- manager; otherwise nobody, and admins see it under "Owner: nobody"), due N working days
-- (Monday to Friday, settings.followup_due_working_days, default 2) after the answer's UTC day.
-- The pure twin of the due date is addWorkingDays() in worker/metrics/followups.ts; a test holds
-- this SQL to it. History imported from another tool (channel 'import') is not a to-do list.
-- The CSAT / CES bounds are those of worker/metrics/category.ts.
CREATE TRIGGER responses_followup_insert AFTER INSERT ON responses
WHEN NEW.channel <> 'import' AND NEW.score < (SELECT CASE kind WHEN 'nps' THEN 7 WHEN 'csat' THEN 3 ELSE 4 END FROM surveys WHERE id = NEW.survey_id)
BEGIN
  INSERT OR IGNORE INTO followups (response_id, owner_user_id, status, due_on, created_at, updated_at)
  VALUES (NEW.id, (SELECT id FROM users WHERE id = NEW.manager_user_id AND role IN ('admin', 'manager') AND disabled_at IS NULL), 'open', (SELECT date(d0, printf('%+d days', (CASE w WHEN 6 THEN -1 WHEN 0 THEN -2 ELSE 0 END) + 7 * (n / 5) + (n % 5)
      + (CASE WHEN (CASE WHEN w IN (0, 6) THEN 5 ELSE w END) + (n % 5) > 5 THEN 2 ELSE 0 END)))
    FROM (SELECT date(NEW.created_at / 1000, 'unixepoch') AS d0, CAST(strftime('%w', NEW.created_at / 1000, 'unixepoch') AS INTEGER) AS w,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'followup_due_working_days'), 2) AS n)), NEW.created_at, NEW.created_at);
END;
--> statement-breakpoint
-- A respondent who changes their score to a detractor's opens an item too (due from now).
CREATE TRIGGER responses_followup_score AFTER UPDATE OF score ON responses
WHEN NEW.channel <> 'import' AND NEW.score < (SELECT CASE kind WHEN 'nps' THEN 7 WHEN 'csat' THEN 3 ELSE 4 END FROM surveys WHERE id = NEW.survey_id)
BEGIN
  INSERT OR IGNORE INTO followups (response_id, owner_user_id, status, due_on, created_at, updated_at)
  VALUES (NEW.id, (SELECT id FROM users WHERE id = NEW.manager_user_id AND role IN ('admin', 'manager') AND disabled_at IS NULL), 'open', (SELECT date(d0, printf('%+d days', (CASE w WHEN 6 THEN -1 WHEN 0 THEN -2 ELSE 0 END) + 7 * (n / 5) + (n % 5)
      + (CASE WHEN (CASE WHEN w IN (0, 6) THEN 5 ELSE w END) + (n % 5) > 5 THEN 2 ELSE 0 END)))
    FROM (SELECT date(NEW.updated_at / 1000, 'unixepoch') AS d0, CAST(strftime('%w', NEW.updated_at / 1000, 'unixepoch') AS INTEGER) AS w,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'followup_due_working_days'), 2) AS n)), NEW.updated_at, NEW.updated_at);
END;
--> statement-breakpoint
-- An account changing hands takes its unresolved items along, when the old manager still held them.
CREATE TRIGGER responses_followup_manager AFTER UPDATE OF manager_user_id ON responses
WHEN NEW.manager_user_id IS NOT OLD.manager_user_id
BEGIN
  UPDATE followups SET owner_user_id = (SELECT id FROM users WHERE id = NEW.manager_user_id AND role IN ('admin', 'manager') AND disabled_at IS NULL), updated_at = cast(unixepoch('subsec') * 1000 as integer)
  WHERE response_id = NEW.id AND status <> 'resolved' AND owner_user_id IS OLD.manager_user_id;
END;
--> statement-breakpoint
-- Existing data: every detractor answer gets its item; existing items get a due date.
INSERT OR IGNORE INTO followups (response_id, owner_user_id, status, due_on, created_at, updated_at)
SELECT r.id, (SELECT id FROM users WHERE id = r.manager_user_id AND role IN ('admin', 'manager') AND disabled_at IS NULL), 'open', (SELECT date(d0, printf('%+d days', (CASE w WHEN 6 THEN -1 WHEN 0 THEN -2 ELSE 0 END) + 7 * (n / 5) + (n % 5)
      + (CASE WHEN (CASE WHEN w IN (0, 6) THEN 5 ELSE w END) + (n % 5) > 5 THEN 2 ELSE 0 END)))
    FROM (SELECT date(r.created_at / 1000, 'unixepoch') AS d0, CAST(strftime('%w', r.created_at / 1000, 'unixepoch') AS INTEGER) AS w,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'followup_due_working_days'), 2) AS n)), r.created_at, r.created_at
FROM responses r
WHERE r.channel <> 'import' AND r.score < (SELECT CASE kind WHEN 'nps' THEN 7 WHEN 'csat' THEN 3 ELSE 4 END FROM surveys WHERE id = r.survey_id);
--> statement-breakpoint
UPDATE followups SET due_on = (SELECT (SELECT date(d0, printf('%+d days', (CASE w WHEN 6 THEN -1 WHEN 0 THEN -2 ELSE 0 END) + 7 * (n / 5) + (n % 5)
      + (CASE WHEN (CASE WHEN w IN (0, 6) THEN 5 ELSE w END) + (n % 5) > 5 THEN 2 ELSE 0 END)))
    FROM (SELECT date(r.created_at / 1000, 'unixepoch') AS d0, CAST(strftime('%w', r.created_at / 1000, 'unixepoch') AS INTEGER) AS w,
      coalesce((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'followup_due_working_days'), 2) AS n)) FROM responses r WHERE r.id = followups.response_id)
WHERE due_on IS NULL;
--> statement-breakpoint
UPDATE followups SET resolved_at = updated_at WHERE status = 'resolved' AND resolved_at IS NULL;
