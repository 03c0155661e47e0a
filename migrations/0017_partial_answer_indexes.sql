DROP INDEX `responses_contact_created_idx`;--> statement-breakpoint
DROP INDEX `responses_account_created_idx`;--> statement-breakpoint
DROP INDEX `responses_wave_idx`;--> statement-breakpoint
CREATE INDEX `responses_contact_created_idx` ON `responses` (`contact_id`,`created_at`) WHERE "responses"."contact_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `responses_account_created_idx` ON `responses` (`account_id`,`created_at`) WHERE "responses"."account_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `responses_wave_idx` ON `responses` (`wave_id`) WHERE "responses"."wave_id" IS NOT NULL;