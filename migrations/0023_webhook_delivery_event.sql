-- One delivery per hook and event (worker/jobs/webhooks.ts enqueueEvents): a group-committed
-- statement can run twice when its D1 batch's reply is lost, and the second run must not queue
-- the event again. event_id leads the index so the second run finds the first run's deliveries
-- by event. Deliveries queued before this migration keep event_id NULL (NULLs never conflict),
-- so nothing already stored is rewritten and no existing duplicate can fail the index.
ALTER TABLE `webhook_deliveries` ADD `event_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_event_unique` ON `webhook_deliveries` (`event_id`,`webhook_id`);