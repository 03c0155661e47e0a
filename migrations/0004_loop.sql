CREATE TABLE `digest_sends` (
	`user_id` text NOT NULL,
	`month` text NOT NULL,
	`status` text DEFAULT 'sending' NOT NULL,
	`error` text,
	`created_at` integer DEFAULT (cast(unixepoch('subsec') * 1000 as integer)) NOT NULL,
	`sent_at` integer,
	PRIMARY KEY(`user_id`, `month`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `followup_notes` ADD `kind` text DEFAULT 'note' NOT NULL;--> statement-breakpoint
ALTER TABLE `followup_notes` ADD `delivery` text;--> statement-breakpoint
ALTER TABLE `followups` ADD `due_on` text;--> statement-breakpoint
ALTER TABLE `followups` ADD `resolved_at` integer;--> statement-breakpoint
CREATE INDEX `followups_due_idx` ON `followups` (`status`,`due_on`);--> statement-breakpoint
ALTER TABLE `users` ADD `digest_opt_out` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `last_survey_id` text;