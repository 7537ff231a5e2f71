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
ALTER TABLE `users` ADD `reputation` integer DEFAULT 0 NOT NULL;