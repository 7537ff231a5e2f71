-- The rows SQLite's migrations insert (0006_moderation.sql): the one moderation_settings row the app
-- reads, and the reply coach's first phrases.
INSERT INTO "moderation_settings" ("id") VALUES (1);--> statement-breakpoint
INSERT INTO "reply_lexicon" ("phrase", "phrase_key", "suggestion", "updated_at") VALUES
  ('it''s our policy', 'it''s our policy', 'Give the reason in plain words: "We do this because it keeps your home and account safe."', (extract(epoch from now()) * 1000)::bigint),
  ('you need to ask a manager', 'you need to ask a manager', 'Take it on yourself: "I''ll bring this to my manager and get back to you by tomorrow."', (extract(epoch from now()) * 1000)::bigint),
  ('did you plug it in?', 'did you plug it in', 'Make the check easy to say yes to: "Could you check the power light for me? A loose cable catches all of us out."', (extract(epoch from now()) * 1000)::bigint),
  ('you''re wrong', 'you''re wrong', 'Acknowledge, then explain: "I can see why it looks that way. Here is what we found."', (extract(epoch from now()) * 1000)::bigint),
  ('calm down', 'calm down', 'Name the feeling instead: "I understand how frustrating this is, and I want to get it sorted for you."', (extract(epoch from now()) * 1000)::bigint);
