ALTER TABLE `threads` ADD `imported_view_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `threads` ADD `acceptance_decided_at` integer;--> statement-breakpoint
-- A re-import now keeps Hearth's views and acceptances apart from the source's (DECISIONS.md #90).
-- Views are counted in memory and added to view_count, with no record of which are whose: the whole
-- count of an imported thread is taken as the source's. Views counted in Hearth since the import
-- last wrote the thread are replaced at the next re-import that changes its question, as every
-- re-import did before; views counted from now on are kept.
UPDATE `threads` SET `imported_view_count` = `view_count` WHERE `source_site` IS NOT NULL;--> statement-breakpoint
-- An acceptance was decided in Hearth when its thread was never imported, or when it was marked
-- after the last run that wrote its question (the question's post record): the import marks the
-- source's at the date of the asker's acceptance vote, from the dump, and the question's row carries
-- that acceptance (AcceptedAnswerId), so a run that brought a new one also rewrote the question. An
-- acceptance withdrawn in Hearth left no row, and the source's comes back at the next re-import.
UPDATE `threads` SET `acceptance_decided_at` = (
  SELECT s.`marked_at` FROM `solutions` s WHERE s.`thread_id` = `threads`.`id` AND s.`kind` = 'accepted'
) WHERE EXISTS (
  SELECT 1 FROM `solutions` s
  WHERE s.`thread_id` = `threads`.`id` AND s.`kind` = 'accepted' AND NOT EXISTS (
    SELECT 1 FROM `import_records` r
    WHERE r.`site` = `threads`.`source_site` AND r.`kind` = 'post' AND r.`source_id` = `threads`.`source_id`
      AND r.`updated_at` >= s.`marked_at`
  )
);
