CREATE TABLE `survey_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`survey_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`send_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`invitation_id` text,
	`properties` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`survey_id`) REFERENCES `surveys`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `survey_requests_due_idx` ON `survey_requests` (`status`,`send_at`);--> statement-breakpoint
CREATE INDEX `survey_requests_contact_idx` ON `survey_requests` (`contact_id`);--> statement-breakpoint
CREATE TABLE `webhook_attempts` (
	`id` text PRIMARY KEY NOT NULL,
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`ok` integer NOT NULL,
	`error` text,
	`duration_ms` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`delivery_id`) REFERENCES `webhook_deliveries`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `webhook_attempts_delivery_idx` ON `webhook_attempts` (`delivery_id`,`attempt`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `scopes` text DEFAULT '["read","write"]' NOT NULL;--> statement-breakpoint
ALTER TABLE `webhook_deliveries` ADD `queued_at` integer;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `signing` text DEFAULT 'barometre' NOT NULL;