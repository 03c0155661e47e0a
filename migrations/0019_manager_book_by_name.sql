DROP INDEX `accounts_manager_idx`;--> statement-breakpoint
CREATE INDEX `accounts_manager_idx` ON `accounts` (`manager_user_id`,`name`,`id`);