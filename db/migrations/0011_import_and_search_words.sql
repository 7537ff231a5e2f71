CREATE TABLE `failed_searches` (
	`day` integer NOT NULL,
	`query` text NOT NULL,
	`searches` integer NOT NULL,
	`last_searched_at` integer NOT NULL,
	PRIMARY KEY(`day`, `query`)
);
--> statement-breakpoint
CREATE INDEX `failed_searches_recent_idx` ON `failed_searches` (`last_searched_at`);--> statement-breakpoint
CREATE TABLE `synonym_groups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`updated_by_id` integer,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`updated_by_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `synonym_words` (
	`word` text PRIMARY KEY NOT NULL,
	`match_key` text NOT NULL,
	`group_id` integer NOT NULL,
	FOREIGN KEY (`group_id`) REFERENCES `synonym_groups`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `synonym_words_match_idx` ON `synonym_words` (`match_key`);--> statement-breakpoint
CREATE INDEX `synonym_words_group_idx` ON `synonym_words` (`group_id`);--> statement-breakpoint
CREATE TABLE `import_checkpoints` (
	`run_id` integer NOT NULL,
	`step` text NOT NULL,
	`rows_done` integer DEFAULT 0 NOT NULL,
	`finished_at` integer,
	PRIMARY KEY(`run_id`, `step`),
	FOREIGN KEY (`run_id`) REFERENCES `import_runs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `import_records` (
	`site` text NOT NULL,
	`kind` text NOT NULL,
	`source_id` integer NOT NULL,
	`target_id` integer NOT NULL,
	`content_hash` text NOT NULL,
	`imported_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`site`, `kind`, `source_id`)
);
--> statement-breakpoint
CREATE INDEX `import_records_target_idx` ON `import_records` (`kind`,`target_id`);--> statement-breakpoint
CREATE TABLE `import_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`site` text NOT NULL,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `import_runs_site_idx` ON `import_runs` (`site`,`finished_at`);--> statement-breakpoint
CREATE TABLE `imported_badges` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`site` text NOT NULL,
	`name` text NOT NULL,
	`tier` text NOT NULL,
	`tag_based` integer DEFAULT false NOT NULL,
	`awarded_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `imported_badges_user_idx` ON `imported_badges` (`user_id`,`awarded_at`);--> statement-breakpoint
CREATE TABLE `post_comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`post_id` integer NOT NULL,
	`author_id` integer NOT NULL,
	`source_author_name` text,
	`body_markdown` text NOT NULL,
	`body_html` text NOT NULL,
	`score` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`source_licence` text,
	FOREIGN KEY (`post_id`) REFERENCES `posts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `post_comments_post_idx` ON `post_comments` (`post_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `post_revisions` ADD `previous_tags` text;--> statement-breakpoint
ALTER TABLE `posts` ADD `imported_up_votes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `posts` ADD `imported_down_votes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `posts` ADD `source_site` text;--> statement-breakpoint
ALTER TABLE `posts` ADD `source_id` integer;--> statement-breakpoint
ALTER TABLE `posts` ADD `source_url` text;--> statement-breakpoint
ALTER TABLE `posts` ADD `source_licence` text;--> statement-breakpoint
ALTER TABLE `posts` ADD `source_author_name` text;--> statement-breakpoint
ALTER TABLE `threads` ADD `source_site` text;--> statement-breakpoint
ALTER TABLE `threads` ADD `source_id` integer;--> statement-breakpoint
ALTER TABLE `threads` ADD `source_url` text;--> statement-breakpoint
ALTER TABLE `threads` ADD `source_licence` text;
--> statement-breakpoint
-- The vocabulary typo tolerance reads (app/models/search/vocabulary.server.ts): the index's own
-- surface words with how many documents hold each, per audience that may see them ('public',
-- 'customers', 'staff'); rebuilt from the index by a background job, like the index, never copied.
CREATE TABLE `search_vocabulary` (
	`word` text NOT NULL,
	`audience` text NOT NULL,
	`documents` integer NOT NULL,
	PRIMARY KEY(`word`, `audience`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Each vocabulary word under itself and its deletions (one deep; two from 6 letters): a typed
-- word's deletions find its candidates ("ofline" → "offline") in one indexed lookup (SymSpell).
CREATE TABLE `search_word_variants` (
	`variant` text NOT NULL,
	`word` text NOT NULL,
	PRIMARY KEY(`variant`, `word`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `search_vocabulary_state` (
	`id` integer PRIMARY KEY NOT NULL CHECK (`id` = 1),
	`built_at` integer NOT NULL,
	`words` integer NOT NULL
);
