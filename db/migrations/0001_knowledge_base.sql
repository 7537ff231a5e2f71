CREATE TABLE `kb_article_tags` (
	`article_id` integer NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`article_id`, `tag`),
	FOREIGN KEY (`article_id`) REFERENCES `kb_articles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `kb_article_tags_tag_idx` ON `kb_article_tags` (`tag`,`article_id`);--> statement-breakpoint
CREATE TABLE `kb_articles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`source_path` text NOT NULL,
	`title` text NOT NULL,
	`summary` text NOT NULL,
	`category_name` text NOT NULL,
	`category_slug` text NOT NULL,
	`audience` text NOT NULL,
	`updated_on` text NOT NULL,
	`position` integer DEFAULT 1000 NOT NULL,
	`body_markdown` text NOT NULL,
	`body_html` text NOT NULL,
	`toc_json` text DEFAULT '[]' NOT NULL,
	`content_hash` text NOT NULL,
	`synced_at` integer NOT NULL,
	`removed_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_articles_slug_unique` ON `kb_articles` (`slug`);--> statement-breakpoint
CREATE INDEX `kb_articles_category_idx` ON `kb_articles` (`category_slug`,`position`,`title`);--> statement-breakpoint
CREATE TABLE `kb_feedback` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`article_id` integer NOT NULL,
	`voter_key` text NOT NULL,
	`user_id` integer,
	`helpful` integer NOT NULL,
	`comment` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`article_id`) REFERENCES `kb_articles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_feedback_voter_idx` ON `kb_feedback` (`article_id`,`voter_key`);--> statement-breakpoint
CREATE INDEX `kb_feedback_article_idx` ON `kb_feedback` (`article_id`,`updated_at`);