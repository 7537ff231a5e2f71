CREATE TABLE `inbound_emails` (
	`message_id` text PRIMARY KEY NOT NULL,
	`user_id` integer,
	`outcome` text NOT NULL,
	`detail` text,
	`result_id` integer,
	`received_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE TABLE `notification_fan_outs` (
	`post_id` integer PRIMARY KEY NOT NULL,
	`thread_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`notified_through` integer DEFAULT 0 NOT NULL,
	`done_at` integer,
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notification_fan_outs_pending_idx` ON `notification_fan_outs` (`done_at`,`created_at`);--> statement-breakpoint
CREATE TABLE `watches` (
	`user_id` integer NOT NULL,
	`target` text NOT NULL,
	`target_id` integer NOT NULL,
	`level` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `target`, `target_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `watches_target_idx` ON `watches` (`target`,`target_id`,`level`);--> statement-breakpoint
ALTER TABLE `users` ADD `last_seen_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `digest_frequency` text;--> statement-breakpoint
ALTER TABLE `users` ADD `last_digest_at` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `watch_on_participate` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `follow_ups` ADD `due_warning_sent_at` integer;--> statement-breakpoint
ALTER TABLE `email_outbox` ADD `html` text;--> statement-breakpoint
ALTER TABLE `email_outbox` ADD `reply_to` text;--> statement-breakpoint
ALTER TABLE `email_outbox` ADD `subject_key` text;--> statement-breakpoint
ALTER TABLE `email_outbox` ADD `send_after` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `email_outbox_subject_idx` ON `email_outbox` (`user_id`,`subject_key`,`created_at`);--> statement-breakpoint
ALTER TABLE `notifications` ADD `reason` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `thread_id` integer REFERENCES threads(id) ON DELETE cascade;--> statement-breakpoint
ALTER TABLE `notifications` ADD `post_id` integer;--> statement-breakpoint
ALTER TABLE `notifications` ADD `actor_id` integer REFERENCES users(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `notifications` ADD `email_text` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `email_id` integer;--> statement-breakpoint
CREATE INDEX `notifications_email_idx` ON `notifications` (`email_id`);--> statement-breakpoint
CREATE INDEX `notifications_post_idx` ON `notifications` (`post_id`,`kind`);