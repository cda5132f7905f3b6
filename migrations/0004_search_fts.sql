-- Custom SQL migration file, put your code below! ---- Search (src/search, docs/search.md). Two contentless FTS5 indexes whose text is written by the
-- app already split for the tokenizer (CJK runs as overlapping character bigrams, other words
-- whole, stemmed by porter), so 1- and 2-character Korean and Japanese queries are index lookups.
-- Book paragraphs are indexed once per edition (editions never change; the marker table says
-- which are done). Comments reach their index through an outbox filled by triggers in the same
-- transaction as the write, whoever wrote it, and drained by the app after each comment event
-- and before each search.
CREATE VIRTUAL TABLE `search_paragraph_text` USING fts5(`text`, tokenize = 'porter unicode61 remove_diacritics 2', content = '', contentless_delete = 1);
--> statement-breakpoint
CREATE VIRTUAL TABLE `search_comment_text` USING fts5(`body`, tokenize = 'porter unicode61 remove_diacritics 2', content = '', contentless_delete = 1);
--> statement-breakpoint
CREATE TABLE `search_indexed_editions` (
  `edition_id` integer PRIMARY KEY NOT NULL REFERENCES `editions`(`id`) ON DELETE CASCADE,
  `paragraph_count` integer NOT NULL,
  `indexed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `search_comment_outbox` (`comment_id` integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
CREATE TRIGGER `search_comment_inserted` AFTER INSERT ON `comments`
BEGIN
  INSERT OR IGNORE INTO `search_comment_outbox` (`comment_id`) VALUES (NEW.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `search_comment_changed` AFTER UPDATE OF `body`, `deleted_at`, `moderation`, `visibility`, `anchor_position`, `chapter_id` ON `comments`
BEGIN
  INSERT OR IGNORE INTO `search_comment_outbox` (`comment_id`) VALUES (NEW.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `search_comment_gone` AFTER DELETE ON `comments`
BEGIN
  INSERT OR IGNORE INTO `search_comment_outbox` (`comment_id`) VALUES (OLD.`id`);
END;
--> statement-breakpoint
CREATE TRIGGER `search_paragraph_gone` AFTER DELETE ON `paragraphs`
BEGIN
  DELETE FROM `search_paragraph_text` WHERE `rowid` = OLD.`id`;
END;
