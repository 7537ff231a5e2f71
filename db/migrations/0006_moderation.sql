CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`actor_id` integer,
	`action` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` integer NOT NULL,
	`subject_label` text NOT NULL,
	`reason` text,
	`before` text,
	`after` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_log_created_idx` ON `audit_log` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `audit_log_actor_idx` ON `audit_log` (`actor_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_action_idx` ON `audit_log` (`action`,`created_at`);--> statement-breakpoint
CREATE INDEX `audit_log_subject_idx` ON `audit_log` (`subject_type`,`subject_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `customer_domain_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`domain` text NOT NULL,
	`created_by_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `customer_domain_rules_domain_unique` ON `customer_domain_rules` (`domain`);--> statement-breakpoint
CREATE TABLE `flags` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`post_id` integer NOT NULL,
	`user_id` integer,
	`reason` text NOT NULL,
	`note` text,
	`created_at` integer NOT NULL,
	`resolved_at` integer,
	`resolved_by_id` integer,
	`resolution` text,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`resolved_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `flags_post_idx` ON `flags` (`post_id`,`resolved_at`);--> statement-breakpoint
CREATE INDEX `flags_user_idx` ON `flags` (`user_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `flags_one_open_per_user_idx` ON `flags` (`post_id`,`user_id`) WHERE resolved_at IS NULL AND user_id IS NOT NULL;--> statement-breakpoint
CREATE TABLE `moderation_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`flag_hide_threshold` integer DEFAULT 3 NOT NULL,
	`held_post_count` integer DEFAULT 2 NOT NULL,
	CONSTRAINT "moderation_settings_single_row" CHECK(id = 1)
);
--> statement-breakpoint
CREATE TABLE `reply_lexicon` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`phrase` text NOT NULL,
	`phrase_key` text NOT NULL,
	`suggestion` text NOT NULL,
	`updated_by_id` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`updated_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reply_lexicon_phrase_key_unique` ON `reply_lexicon` (`phrase_key`);--> statement-breakpoint
ALTER TABLE `users` ADD `suspended_until` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `suspension_reason` text;--> statement-breakpoint
ALTER TABLE `posts` ADD `moderation_state` text DEFAULT 'visible' NOT NULL;--> statement-breakpoint
ALTER TABLE `posts` ADD `review_requested_at` integer;--> statement-breakpoint
CREATE INDEX `posts_review_queue_idx` ON `posts` (`review_requested_at`,`id`) WHERE review_requested_at IS NOT NULL;--> statement-breakpoint
ALTER TABLE `threads` ADD `visibility` text DEFAULT 'visible' NOT NULL;--> statement-breakpoint
ALTER TABLE `threads` ADD `locked_at` integer;--> statement-breakpoint
ALTER TABLE `threads` ADD `pinned_at` integer;--> statement-breakpoint
ALTER TABLE `threads` ADD `closed_reason` text;--> statement-breakpoint
ALTER TABLE `threads` ADD `duplicate_of_id` integer REFERENCES threads(id);--> statement-breakpoint
CREATE INDEX `threads_pinned_idx` ON `threads` (`pinned_at`) WHERE pinned_at IS NOT NULL;--> statement-breakpoint
-- The log is evidence: nothing in the app may rewrite or remove it.
CREATE TRIGGER `audit_log_no_update` BEFORE UPDATE ON `audit_log` BEGIN SELECT RAISE(ABORT, 'audit_log rows cannot be changed'); END;--> statement-breakpoint
CREATE TRIGGER `audit_log_no_delete` BEFORE DELETE ON `audit_log` BEGIN SELECT RAISE(ABORT, 'audit_log rows cannot be deleted'); END;--> statement-breakpoint
INSERT INTO `moderation_settings` (`id`) VALUES (1);--> statement-breakpoint
INSERT INTO `reply_lexicon` (`phrase`, `phrase_key`, `suggestion`, `updated_at`) VALUES
  ('it''s our policy', 'it''s our policy', 'Give the reason in plain words: "We do this because it keeps your home and account safe."', CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('you need to ask a manager', 'you need to ask a manager', 'Take it on yourself: "I''ll bring this to my manager and get back to you by tomorrow."', CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('did you plug it in?', 'did you plug it in', 'Make the check easy to say yes to: "Could you check the power light for me? A loose cable catches all of us out."', CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('you''re wrong', 'you''re wrong', 'Acknowledge, then explain: "I can see why it looks that way. Here is what we found."', CAST(strftime('%s', 'now') AS INTEGER) * 1000),
  ('calm down', 'calm down', 'Name the feeling instead: "I understand how frustrating this is, and I want to get it sorted for you."', CAST(strftime('%s', 'now') AS INTEGER) * 1000);
