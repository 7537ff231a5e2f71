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
CREATE INDEX `suggested_edits_suggester_idx` ON `suggested_edits` (`suggester_id`,`created_at`);