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
CREATE INDEX `visit_days_day_idx` ON `visit_days` (`day`,`user_id`);