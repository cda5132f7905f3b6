-- Search (src/search, docs/search.md): the facts the spoiler gate reads, beside each index, so a
-- search filters and counts its matches without reading the wide `comments` / `paragraphs` rows
-- (their bodies and texts) once per match. Both are narrow rowid tables keyed like their index.
--
-- `search_comment_gate`: one row per comment in `search_comment_text`, written and dropped with
-- it by the outbox drain (src/search/queries.ts), with the columns of `comments` the gate reads.
CREATE TABLE `search_comment_gate` (
  `id` integer PRIMARY KEY NOT NULL,
  `reading_id` integer NOT NULL,
  `chapter_id` integer NOT NULL,
  `anchor_position` integer NOT NULL,
  `author_id` integer NOT NULL,
  `visibility` text NOT NULL
);
--> statement-breakpoint
INSERT INTO `search_comment_gate` (`id`, `reading_id`, `chapter_id`, `anchor_position`, `author_id`, `visibility`)
  SELECT `id`, `reading_id`, `chapter_id`, `anchor_position`, `author_id`, `visibility` FROM `comments`
  WHERE `deleted_at` IS NULL AND `moderation` IS NULL AND `id` NOT IN (SELECT `comment_id` FROM `search_comment_outbox`);
--> statement-breakpoint
-- `search_reading_versions`: bumped (in the same transaction) whenever the index of a reading's
-- comments changes, so a process that keeps a search's matches in memory knows when they are
-- stale, whichever process changed them. Versions only ever grow.
CREATE TABLE `search_reading_versions` (
  `reading_id` integer PRIMARY KEY NOT NULL,
  `version` integer NOT NULL
);
--> statement-breakpoint
-- `search_paragraph_gate`: one row per paragraph in `search_paragraph_text` (written when its
-- edition is indexed; paragraphs never change), with where it is in the book.
CREATE TABLE `search_paragraph_gate` (
  `id` integer PRIMARY KEY NOT NULL,
  `edition_id` integer NOT NULL,
  `chapter_id` integer NOT NULL,
  `ordinal` integer NOT NULL,
  `position` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `search_paragraph_gate` (`id`, `edition_id`, `chapter_id`, `ordinal`, `position`)
  SELECT `id`, `edition_id`, `chapter_id`, `ordinal`, `position` FROM `paragraphs`
  WHERE `edition_id` IN (SELECT `edition_id` FROM `search_indexed_editions`);
--> statement-breakpoint
DROP TRIGGER `search_paragraph_gone`;
--> statement-breakpoint
CREATE TRIGGER `search_paragraph_gone` AFTER DELETE ON `paragraphs`
BEGIN
  DELETE FROM `search_paragraph_text` WHERE `rowid` = OLD.`id`;
  DELETE FROM `search_paragraph_gate` WHERE `id` = OLD.`id`;
END;
