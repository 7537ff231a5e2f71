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
