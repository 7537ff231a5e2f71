CREATE TABLE `follow_up_drafts` (
	`follow_up_id` integer NOT NULL,
	`author_id` integer NOT NULL,
	`body_markdown` text NOT NULL,
	`visibility` text DEFAULT 'private' NOT NULL,
	`then` text DEFAULT 'open' NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`follow_up_id`, `author_id`),
	FOREIGN KEY (`follow_up_id`) REFERENCES `follow_ups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `support_holidays` (
	`category_id` integer NOT NULL,
	`day` text NOT NULL,
	`name` text NOT NULL,
	PRIMARY KEY(`category_id`, `day`),
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `support_macros` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`body_markdown` text NOT NULL,
	`set_status` text,
	`set_priority` text,
	`use_count` integer DEFAULT 0 NOT NULL,
	`last_used_at` integer,
	`created_by_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`created_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `support_macros_use_idx` ON `support_macros` (`use_count`);--> statement-breakpoint
CREATE TABLE `support_policies` (
	`category_id` integer PRIMARY KEY NOT NULL,
	`grace_minutes` integer NOT NULL,
	`clock` text DEFAULT 'calendar' NOT NULL,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`open_hours` text NOT NULL,
	`remind_after_minutes` integer,
	`auto_resolve_after_minutes` integer,
	`round_robin` integer DEFAULT false NOT NULL,
	`last_assignee_id` integer,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`last_assignee_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_category_targets` (
	`category_id` integer NOT NULL,
	`priority` text DEFAULT 'normal' NOT NULL,
	`first_response_minutes` integer NOT NULL,
	`resolution_minutes` integer NOT NULL,
	PRIMARY KEY(`category_id`, `priority`),
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_category_targets`("category_id", "priority", "first_response_minutes", "resolution_minutes") SELECT "category_id", 'normal', "first_response_minutes", "resolution_minutes" FROM `category_targets`;--> statement-breakpoint
DROP TABLE `category_targets`;--> statement-breakpoint
ALTER TABLE `__new_category_targets` RENAME TO `category_targets`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
ALTER TABLE `users` ADD `time_zone` text;--> statement-breakpoint
ALTER TABLE `users` ADD `on_shift` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `follow_up_surveys` ADD `kind` text DEFAULT 'support' NOT NULL;--> statement-breakpoint
-- Existing follow-ups count from when the customer asked: the question, or their press of
-- "I still need help" (which opened the follow-up).
ALTER TABLE `follow_ups` ADD `asked_at` integer NOT NULL DEFAULT 0;--> statement-breakpoint
ALTER TABLE `follow_ups` ADD `first_asked_at` integer NOT NULL DEFAULT 0;--> statement-breakpoint
UPDATE `follow_ups` SET `asked_at` = CASE `origin` WHEN 'customer' THEN `opened_at` ELSE (SELECT `created_at` FROM `threads` WHERE `threads`.`id` = `follow_ups`.`thread_id`) END;--> statement-breakpoint
UPDATE `follow_ups` SET `first_asked_at` = `asked_at`;--> statement-breakpoint
ALTER TABLE `follow_ups` ADD `resolution` text;--> statement-breakpoint
ALTER TABLE `follow_ups` ADD `waited_ms` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `follow_ups` ADD `reminder_sent_at` integer;--> statement-breakpoint
CREATE INDEX `follow_ups_resolved_idx` ON `follow_ups` (`resolved_at`);