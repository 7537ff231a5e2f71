CREATE TABLE `follow_up_surveys` (
	`follow_up_id` integer PRIMARY KEY NOT NULL,
	`customer_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`emailed_at` integer,
	`rating` integer,
	`comment` text,
	`answered_at` integer,
	FOREIGN KEY (`follow_up_id`) REFERENCES `follow_ups`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`customer_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `follow_up_surveys_customer_idx` ON `follow_up_surveys` (`customer_id`,`emailed_at`);