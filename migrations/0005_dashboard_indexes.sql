CREATE INDEX `accounts_name_idx` ON `accounts` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `counted_account_idx` ON `counted` (`account_id`,`interval`,`bucket`);--> statement-breakpoint
CREATE INDEX `responses_commented_idx` ON `responses` (`created_at`,`id`) WHERE "responses"."comment" IS NOT NULL;