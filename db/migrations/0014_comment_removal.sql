DROP INDEX `post_comments_post_idx`;--> statement-breakpoint
ALTER TABLE `post_comments` ADD `removed_at` integer;--> statement-breakpoint
ALTER TABLE `post_comments` ADD `removed_by_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `post_comments` ADD `removal_reason` text;--> statement-breakpoint
CREATE INDEX `post_comments_post_idx` ON `post_comments` (`post_id`,`created_at`,`removed_at`);