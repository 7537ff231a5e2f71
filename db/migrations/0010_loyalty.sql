CREATE TABLE `suggested_edits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`post_id` integer NOT NULL,
	`suggester_id` integer NOT NULL,
	`title` text,
	`body_markdown` text NOT NULL,
	`summary` text NOT NULL,
	`base_authored_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`decided_by_id` integer,
	`decided_at` integer,
	`decision_reason` text,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`suggester_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`decided_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `suggested_edits_one_pending_idx` ON `suggested_edits` (`post_id`) WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX `suggested_edits_queue_idx` ON `suggested_edits` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `suggested_edits_suggester_idx` ON `suggested_edits` (`suggester_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `close_votes` (
	`thread_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`thread_id`, `user_id`),
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `reputation_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`reason` text NOT NULL,
	`points` integer NOT NULL,
	`actor_id` integer,
	`post_id` integer,
	`thread_id` integer,
	`created_at` integer NOT NULL,
	`reversed_at` integer,
	`reversal` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`thread_id`) REFERENCES `threads`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `reputation_events_user_idx` ON `reputation_events` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reputation_events_post_idx` ON `reputation_events` (`post_id`,`reason`);--> statement-breakpoint
CREATE INDEX `reputation_events_thread_idx` ON `reputation_events` (`thread_id`,`reason`);--> statement-breakpoint
CREATE INDEX `reputation_events_actor_idx` ON `reputation_events` (`actor_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reputation_events_created_idx` ON `reputation_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `reputation_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`upvote_answer` integer DEFAULT 10 NOT NULL,
	`upvote_question` integer DEFAULT 5 NOT NULL,
	`accepted` integer DEFAULT 15 NOT NULL,
	`accepted_other` integer DEFAULT 2 NOT NULL,
	`verified` integer DEFAULT 25 NOT NULL,
	`article_published` integer DEFAULT 25 NOT NULL,
	`downvote` integer DEFAULT 2 NOT NULL,
	`downvote_cast` integer DEFAULT 1 NOT NULL,
	`daily_vote_cap` integer DEFAULT 200 NOT NULL,
	CONSTRAINT "reputation_settings_single_row" CHECK(id = 1)
);
--> statement-breakpoint
CREATE TABLE `trust_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`basic_reputation` integer DEFAULT 0 NOT NULL,
	`basic_days` integer DEFAULT 0 NOT NULL,
	`basic_posts` integer DEFAULT 2 NOT NULL,
	`member_reputation` integer DEFAULT 125 NOT NULL,
	`member_days` integer DEFAULT 3 NOT NULL,
	`member_posts` integer DEFAULT 5 NOT NULL,
	`regular_reputation` integer DEFAULT 1000 NOT NULL,
	`regular_days` integer DEFAULT 30 NOT NULL,
	`regular_posts` integer DEFAULT 25 NOT NULL,
	`leader_reputation` integer DEFAULT 5000 NOT NULL,
	`leader_days` integer DEFAULT 90 NOT NULL,
	`leader_posts` integer DEFAULT 100 NOT NULL,
	`levels_computed_at` integer,
	CONSTRAINT "trust_settings_single_row" CHECK(id = 1)
);
--> statement-breakpoint
CREATE TABLE `loyalty_balances` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`balance` integer DEFAULT 0 NOT NULL,
	`earned` integer DEFAULT 0 NOT NULL,
	`share_percent` integer NOT NULL,
	`anchor_total` integer DEFAULT 0 NOT NULL,
	`anchor_points` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `loyalty_point_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`points` integer NOT NULL,
	`reputation_total` integer,
	`redemption_id` integer,
	`actor_id` integer,
	`reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`redemption_id`) REFERENCES `reward_redemptions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `loyalty_point_events_user_idx` ON `loyalty_point_events` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE TABLE `reward_codes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reward_id` integer NOT NULL,
	`code` text NOT NULL,
	`redemption_id` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`reward_id`) REFERENCES `rewards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`redemption_id`) REFERENCES `reward_redemptions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `reward_codes_code_idx` ON `reward_codes` (`code`);--> statement-breakpoint
CREATE UNIQUE INDEX `reward_codes_redemption_idx` ON `reward_codes` (`redemption_id`);--> statement-breakpoint
CREATE INDEX `reward_codes_free_idx` ON `reward_codes` (`reward_id`,`redemption_id`);--> statement-breakpoint
CREATE TABLE `reward_redemptions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`reward_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`cost` integer NOT NULL,
	`status` text NOT NULL,
	`ship_name` text,
	`ship_address` text,
	`ship_city` text,
	`ship_postcode` text,
	`ship_country` text,
	`staff_note` text,
	`handled_by_id` integer,
	`handled_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`reward_id`) REFERENCES `rewards`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`handled_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `reward_redemptions_status_idx` ON `reward_redemptions` (`status`,`created_at`);--> statement-breakpoint
CREATE INDEX `reward_redemptions_user_idx` ON `reward_redemptions` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `reward_redemptions_reward_idx` ON `reward_redemptions` (`reward_id`);--> statement-breakpoint
CREATE TABLE `rewards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL,
	`kind` text NOT NULL,
	`audience` text NOT NULL,
	`cost` integer NOT NULL,
	`stock` integer,
	`retired_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	CONSTRAINT "rewards_cost_positive" CHECK(cost > 0),
	CONSTRAINT "rewards_stock_not_negative" CHECK(stock IS NULL OR stock >= 0)
);
--> statement-breakpoint
CREATE TABLE `rewards_settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`share_percent` integer DEFAULT 10 NOT NULL,
	CONSTRAINT "rewards_settings_single_row" CHECK(id = 1)
);
--> statement-breakpoint
CREATE TABLE `badge_awards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`badge_key` text NOT NULL,
	`tag` text DEFAULT '' NOT NULL,
	`post_id` integer,
	`awarded_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `badge_awards_holder_idx` ON `badge_awards` (`user_id`,`badge_key`,`tag`);--> statement-breakpoint
CREATE INDEX `badge_awards_badge_idx` ON `badge_awards` (`badge_key`,`tag`,`awarded_at`,`id`);--> statement-breakpoint
CREATE TABLE `badge_job_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`posts_through` integer DEFAULT 0 NOT NULL,
	`changes_through` integer NOT NULL,
	`notability_version` integer DEFAULT 0 NOT NULL,
	CONSTRAINT "badge_job_state_single_row" CHECK(id = 1)
);
--> statement-breakpoint
CREATE TABLE `badge_queue` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`queued_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `badge_standings` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`top_key` text NOT NULL,
	`top_tag` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `visit_days` (
	`user_id` integer NOT NULL,
	`day` integer NOT NULL,
	PRIMARY KEY(`user_id`, `day`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `visit_days_day_idx` ON `visit_days` (`day`,`user_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `reputation` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `trust_level` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `kb_articles` ADD `source_thread_id` integer REFERENCES threads(id) ON DELETE set null;--> statement-breakpoint
ALTER TABLE `moderation_settings` DROP COLUMN `held_post_count`;