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
