DROP INDEX "post_comments_post_idx";--> statement-breakpoint
ALTER TABLE "post_comments" ADD COLUMN "removed_at" bigint;--> statement-breakpoint
ALTER TABLE "post_comments" ADD COLUMN "removed_by_id" integer;--> statement-breakpoint
ALTER TABLE "post_comments" ADD COLUMN "removal_reason" text;--> statement-breakpoint
ALTER TABLE "post_comments" ADD CONSTRAINT "post_comments_removed_by_id_users_id_fk" FOREIGN KEY ("removed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "post_comments_post_idx" ON "post_comments" USING btree ("post_id","created_at","removed_at");