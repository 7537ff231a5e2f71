CREATE TABLE "trust_settings" (
	"id" integer PRIMARY KEY NOT NULL,
	"basic_reputation" integer DEFAULT 0 NOT NULL,
	"basic_days" integer DEFAULT 0 NOT NULL,
	"basic_posts" integer DEFAULT 2 NOT NULL,
	"member_reputation" integer DEFAULT 125 NOT NULL,
	"member_days" integer DEFAULT 3 NOT NULL,
	"member_posts" integer DEFAULT 5 NOT NULL,
	"regular_reputation" integer DEFAULT 1000 NOT NULL,
	"regular_days" integer DEFAULT 30 NOT NULL,
	"regular_posts" integer DEFAULT 25 NOT NULL,
	"leader_reputation" integer DEFAULT 5000 NOT NULL,
	"leader_days" integer DEFAULT 90 NOT NULL,
	"leader_posts" integer DEFAULT 100 NOT NULL,
	"levels_computed_at" bigint,
	CONSTRAINT "trust_settings_single_row" CHECK (id = 1)
);
--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "trust_level" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "moderation_settings" DROP COLUMN "held_post_count";