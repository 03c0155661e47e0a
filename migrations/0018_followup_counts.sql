CREATE TABLE `followup_counts` (
	`manager` text DEFAULT '' NOT NULL,
	`owner` text DEFAULT '' NOT NULL,
	`due_on` text DEFAULT '' NOT NULL,
	`open` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`manager`, `owner`, `due_on`)
);
--> statement-breakpoint
-- The follow-up summary's counts (services/followups.ts, followupSummary), kept here by triggers
-- instead of counting every unresolved item on each read: one row per manager the answer carries,
-- owner and due day ('' for none), with the number of unresolved items. A row that falls to 0 is
-- removed, so the table holds at most one row per (manager, owner, day) with something open.
-- test/api/followupCounts.test.ts holds it to a GROUP BY over the items after every kind of change.
--
-- An item created (by the answer's trigger, a note on a passive, a status set through the API).
CREATE TRIGGER followups_count_insert AFTER INSERT ON followups
WHEN NEW.status <> 'resolved'
BEGIN
  INSERT INTO followup_counts (manager, owner, due_on, open)
  VALUES (coalesce((SELECT manager_user_id FROM responses WHERE id = NEW.response_id), ''), coalesce(NEW.owner_user_id, ''), coalesce(NEW.due_on, ''), 1)
  ON CONFLICT (manager, owner, due_on) DO UPDATE SET open = open + 1;
END;
--> statement-breakpoint
-- Resolved or reopened, or its owner (a user deleted sets it to NULL: an update too) or due day
-- changed while unresolved. Open and contacted count alike, so a move between them writes nothing.
CREATE TRIGGER followups_count_update AFTER UPDATE OF status, owner_user_id, due_on ON followups
WHEN (OLD.status = 'resolved') <> (NEW.status = 'resolved')
  OR (NEW.status <> 'resolved' AND (OLD.owner_user_id IS NOT NEW.owner_user_id OR OLD.due_on IS NOT NEW.due_on))
BEGIN
  UPDATE followup_counts SET open = open - 1
  WHERE OLD.status <> 'resolved' AND manager = coalesce((SELECT manager_user_id FROM responses WHERE id = OLD.response_id), '')
    AND owner = coalesce(OLD.owner_user_id, '') AND due_on = coalesce(OLD.due_on, '');
  DELETE FROM followup_counts
  WHERE OLD.status <> 'resolved' AND manager = coalesce((SELECT manager_user_id FROM responses WHERE id = OLD.response_id), '')
    AND owner = coalesce(OLD.owner_user_id, '') AND due_on = coalesce(OLD.due_on, '') AND open = 0;
  INSERT INTO followup_counts (manager, owner, due_on, open)
  SELECT coalesce((SELECT manager_user_id FROM responses WHERE id = NEW.response_id), ''), coalesce(NEW.owner_user_id, ''), coalesce(NEW.due_on, ''), 1
  WHERE NEW.status <> 'resolved'
  ON CONFLICT (manager, owner, due_on) DO UPDATE SET open = open + 1;
END;
--> statement-breakpoint
-- An item deleted while its answer stays (the erasure deletes items before answers). An answer's
-- deletion deletes its item first (below), so the answer is still there to say its manager.
CREATE TRIGGER followups_count_delete AFTER DELETE ON followups
WHEN OLD.status <> 'resolved'
BEGIN
  UPDATE followup_counts SET open = open - 1
  WHERE manager = coalesce((SELECT manager_user_id FROM responses WHERE id = OLD.response_id), '')
    AND owner = coalesce(OLD.owner_user_id, '') AND due_on = coalesce(OLD.due_on, '');
  DELETE FROM followup_counts
  WHERE manager = coalesce((SELECT manager_user_id FROM responses WHERE id = OLD.response_id), '')
    AND owner = coalesce(OLD.owner_user_id, '') AND due_on = coalesce(OLD.due_on, '') AND open = 0;
END;
--> statement-breakpoint
CREATE TRIGGER responses_followup_delete BEFORE DELETE ON responses
BEGIN
  DELETE FROM followups WHERE response_id = OLD.id;
END;
--> statement-breakpoint
-- An account changing hands (reattribution rewrites its answers' manager): the open item's count
-- moves to the new manager first, then the item goes to the new manager when the old one held it
-- (as migrations/0005 did), which the update trigger above counts. One trigger, so the order holds.
DROP TRIGGER responses_followup_manager;
--> statement-breakpoint
CREATE TRIGGER responses_followup_manager AFTER UPDATE OF manager_user_id ON responses
WHEN NEW.manager_user_id IS NOT OLD.manager_user_id
BEGIN
  UPDATE followup_counts SET open = open - 1
  WHERE manager = coalesce(OLD.manager_user_id, '')
    AND (owner, due_on) IN (SELECT coalesce(owner_user_id, ''), coalesce(due_on, '') FROM followups WHERE response_id = NEW.id AND status <> 'resolved');
  DELETE FROM followup_counts
  WHERE manager = coalesce(OLD.manager_user_id, '') AND open = 0
    AND (owner, due_on) IN (SELECT coalesce(owner_user_id, ''), coalesce(due_on, '') FROM followups WHERE response_id = NEW.id AND status <> 'resolved');
  INSERT INTO followup_counts (manager, owner, due_on, open)
  SELECT coalesce(NEW.manager_user_id, ''), coalesce(owner_user_id, ''), coalesce(due_on, ''), 1 FROM followups
  WHERE response_id = NEW.id AND status <> 'resolved'
  ON CONFLICT (manager, owner, due_on) DO UPDATE SET open = open + 1;
  UPDATE followups SET owner_user_id = (SELECT id FROM users WHERE id = NEW.manager_user_id AND role IN ('admin', 'manager') AND disabled_at IS NULL), updated_at = cast(unixepoch('subsec') * 1000 as integer)
  WHERE response_id = NEW.id AND status <> 'resolved' AND owner_user_id IS OLD.manager_user_id;
END;
--> statement-breakpoint
-- Existing items.
INSERT INTO followup_counts (manager, owner, due_on, open)
SELECT coalesce(r.manager_user_id, ''), coalesce(f.owner_user_id, ''), coalesce(f.due_on, ''), count(*)
FROM followups f JOIN responses r ON r.id = f.response_id
WHERE f.status <> 'resolved'
GROUP BY 1, 2, 3;
