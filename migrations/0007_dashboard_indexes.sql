CREATE INDEX `accounts_name_idx` ON `accounts` (`name`,`id`);--> statement-breakpoint
CREATE INDEX `counted_account_idx` ON `counted` (`account_id`,`bucket`) WHERE "counted"."interval" = 'half' AND "counted"."account_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `responses_commented_idx` ON `responses` (`created_at`,`id`) WHERE "responses"."comment" IS NOT NULL;