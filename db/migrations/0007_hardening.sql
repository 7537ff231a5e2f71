CREATE TABLE `account_tokens` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`token_hash` text NOT NULL,
	`email` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `account_tokens_token_hash_unique` ON `account_tokens` (`token_hash`);--> statement-breakpoint
CREATE INDEX `account_tokens_user_idx` ON `account_tokens` (`user_id`,`purpose`);--> statement-breakpoint
ALTER TABLE `users` ADD `email_confirmed_at` integer;--> statement-breakpoint
ALTER TABLE `post_revisions` ADD `redacted_at` integer;--> statement-breakpoint
ALTER TABLE `post_revisions` ADD `redacted_by_id` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `post_revisions` ADD `redaction_reason` text;--> statement-breakpoint
-- Accounts from before confirmation existed count as confirmed (as posts from before holding count as approved),
-- except customers whose role came only from their address being at a customer domain: anyone could
-- sign up with an address there, so they go back to being unconfirmed members and are customers again
-- once they confirm (the banner's "Send a new link"). A customer an admin granted the role to (a
-- `user.role` audit entry with the role customer after it) keeps it, confirmed.
UPDATE `users` SET `email_confirmed_at` = `created_at`
WHERE NOT (
	`role` = 'customer'
	AND EXISTS (SELECT 1 FROM `customer_domain_rules` AS `rule` WHERE `users`.`email` LIKE ('%@' || `rule`.`domain`))
	AND NOT EXISTS (
		SELECT 1 FROM `audit_log` AS `entry`
		WHERE `entry`.`action` = 'user.role' AND `entry`.`subject_type` = 'user' AND `entry`.`subject_id` = `users`.`id`
			AND json_extract(`entry`.`after`, '$.role') = 'customer'
	)
);--> statement-breakpoint
UPDATE `users` SET `role` = 'member' WHERE `role` = 'customer' AND `email_confirmed_at` IS NULL;