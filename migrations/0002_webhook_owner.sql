ALTER TABLE `webhooks` ADD `user_id` text REFERENCES users(id) ON DELETE cascade;
