-- What the SQLite engine does in its hand-written migrations (migrations/0001, 0004, 0007, 0008),
-- for PostgreSQL: the comment-root trigger, the notification sources, and search (outbox and its
-- triggers, the gate tables, the text tables with their indexes). docs/postgres.md explains each
-- choice. Every trigger runs in the transaction of the write that fired it, as in SQLite.
--
-- 1. A root comment is its own thread root (migrations/0001_comment_root_trigger.sql). SQLite
-- updates the row after the insert; here a BEFORE trigger sets it on the row being inserted
-- (the identity default is already drawn when BEFORE ROW triggers run), so it costs no second write.
CREATE FUNCTION comments_root_is_itself() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.root_id IS NULL AND NEW.parent_id IS NULL THEN
    NEW.root_id := NEW.id;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER comments_root_is_itself BEFORE INSERT ON comments
FOR EACH ROW EXECUTE FUNCTION comments_root_is_itself();
--> statement-breakpoint
-- 2. The notification sources (migrations/0008_notifications.sql): each write that may notify
-- someone lists itself in notification_sources, whichever code made it.
CREATE FUNCTION notify_comment_posted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_sources (kind, subject_id, actor_id, club_id, created_at)
  VALUES ('comment', NEW.id, NEW.author_id, NEW.club_id, NEW.created_at);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER notify_comment_posted AFTER INSERT ON comments
FOR EACH ROW WHEN (NEW.visibility = 'club') EXECUTE FUNCTION notify_comment_posted();
--> statement-breakpoint
CREATE FUNCTION notify_reaction_given() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_sources (kind, subject_id, actor_id, club_id, created_at)
  SELECT 'reaction', NEW.comment_id, NEW.user_id, c.club_id, NEW.created_at FROM comments c WHERE c.id = NEW.comment_id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER notify_reaction_given AFTER INSERT ON reactions
FOR EACH ROW EXECUTE FUNCTION notify_reaction_given();
--> statement-breakpoint
CREATE FUNCTION notify_member_joined() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_sources (kind, subject_id, actor_id, club_id, created_at)
  VALUES ('member', NEW.user_id, NEW.user_id, NEW.club_id, NEW.joined_at);
  UPDATE notification_sources SET actor_id = NEW.user_id, created_at = NEW.joined_at
  WHERE kind = 'invitation' AND club_id = NEW.club_id AND actor_id IS NULL;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER notify_member_joined AFTER INSERT ON memberships
FOR EACH ROW EXECUTE FUNCTION notify_member_joined();
--> statement-breakpoint
CREATE FUNCTION notify_invitation_used() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_sources (kind, subject_id, actor_id, club_id, created_at)
  VALUES ('invitation', NEW.id, NULL, NEW.club_id, 0);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER notify_invitation_used AFTER UPDATE OF uses ON invitations
FOR EACH ROW WHEN (NEW.uses > OLD.uses) EXECUTE FUNCTION notify_invitation_used();
--> statement-breakpoint
CREATE FUNCTION notify_poll_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_sources (kind, subject_id, actor_id, club_id, created_at)
  VALUES ('poll', NEW.id, NEW.created_by, NEW.club_id, NEW.created_at);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER notify_poll_created AFTER INSERT ON polls
FOR EACH ROW EXECUTE FUNCTION notify_poll_created();
--> statement-breakpoint
CREATE FUNCTION notify_poll_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_sources (kind, subject_id, actor_id, club_id, created_at)
  VALUES ('poll_closed', NEW.id, NULL, NEW.club_id, NEW.closed_at);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER notify_poll_closed AFTER UPDATE OF closed_at ON polls
FOR EACH ROW WHEN (NEW.closed_at IS NOT NULL AND OLD.closed_at IS NULL) EXECUTE FUNCTION notify_poll_closed();
--> statement-breakpoint
CREATE FUNCTION notify_moderation_logged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO notification_sources (kind, subject_id, actor_id, club_id, created_at)
  VALUES ('moderation', NEW.id, NEW.actor_id, NEW.club_id, NEW.created_at);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER notify_moderation_logged AFTER INSERT ON moderation_log
FOR EACH ROW WHEN (NEW.action IN ('hidden', 'removed', 'flag_hidden', 'restored', 'warned') AND NEW.target_user_id IS NOT NULL AND NEW.club_id IS NOT NULL)
EXECUTE FUNCTION notify_moderation_logged();
--> statement-breakpoint
-- 3. Search (migrations/0004_search_fts.sql, 0007_search_gate_columns.sql; docs/search.md).
--
-- The text tables replace SQLite's two contentless FTS5 tables. Each row holds the text as
-- written (`text` / `body`: pg_trgm's GIN index answers substring queries of 3 characters or
-- more, in any script, and ranks by similarity) and `tokens`: the app's own index text
-- (src/search/tokens.ts `indexText`: CJK runs as overlapping bigrams, other words whole) read
-- by the text search configuration below, so a 1- or 2-character Korean or Japanese query is
-- one lexeme (`'정책'`) or one prefix (`'정':*`) looked up in a GIN index, and a longer one a
-- phrase of its bigrams (`'국가' <-> '가정'`), exactly the token stream SQLite's FTS5 reads.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
-- English stemmed like FTS5's porter tokenizer (Snowball English, no stop words: FTS5 drops
-- none), diacritics folded like `remove_diacritics 2`; CJK bigrams and other words as they are
-- (lower-cased).
CREATE TEXT SEARCH DICTIONARY marginalia_english (TEMPLATE = snowball, Language = english);
--> statement-breakpoint
CREATE TEXT SEARCH CONFIGURATION marginalia_search (COPY = simple);
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION marginalia_search
  ALTER MAPPING FOR asciiword, asciihword, hword_asciipart WITH marginalia_english;
--> statement-breakpoint
ALTER TEXT SEARCH CONFIGURATION marginalia_search
  ALTER MAPPING FOR word, hword, hword_part WITH unaccent, simple;
--> statement-breakpoint
CREATE TABLE search_paragraph_text (
  id integer PRIMARY KEY NOT NULL,
  text text NOT NULL,
  tokens tsvector NOT NULL
);
--> statement-breakpoint
CREATE INDEX search_paragraph_text_tokens_idx ON search_paragraph_text USING gin (tokens);
--> statement-breakpoint
CREATE INDEX search_paragraph_text_trgm_idx ON search_paragraph_text USING gin (text gin_trgm_ops);
--> statement-breakpoint
CREATE TABLE search_comment_text (
  id integer PRIMARY KEY NOT NULL,
  body text NOT NULL,
  tokens tsvector NOT NULL
);
--> statement-breakpoint
CREATE INDEX search_comment_text_tokens_idx ON search_comment_text USING gin (tokens);
--> statement-breakpoint
CREATE INDEX search_comment_text_trgm_idx ON search_comment_text USING gin (body gin_trgm_ops);
--> statement-breakpoint
CREATE TABLE search_indexed_editions (
  edition_id integer PRIMARY KEY NOT NULL REFERENCES editions(id) ON DELETE CASCADE,
  paragraph_count integer NOT NULL,
  indexed_at bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE search_comment_outbox (comment_id integer PRIMARY KEY NOT NULL);
--> statement-breakpoint
CREATE TABLE search_comment_gate (
  id integer PRIMARY KEY NOT NULL,
  reading_id integer NOT NULL,
  chapter_id integer NOT NULL,
  anchor_position integer NOT NULL,
  author_id integer NOT NULL,
  visibility text NOT NULL
);
--> statement-breakpoint
CREATE TABLE search_reading_versions (
  reading_id integer PRIMARY KEY NOT NULL,
  version integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE search_paragraph_gate (
  id integer PRIMARY KEY NOT NULL,
  edition_id integer NOT NULL,
  chapter_id integer NOT NULL,
  ordinal integer NOT NULL,
  position integer NOT NULL
);
--> statement-breakpoint
-- The comment outbox: every insert, every change the index or the gate reads, and every delete
-- (a cascade from a deleted club too) lists the comment, in the same transaction as the write.
CREATE FUNCTION search_comment_outbox_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO search_comment_outbox (comment_id) VALUES (OLD.id) ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO search_comment_outbox (comment_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER search_comment_inserted AFTER INSERT ON comments
FOR EACH ROW EXECUTE FUNCTION search_comment_outbox_add();
--> statement-breakpoint
CREATE TRIGGER search_comment_changed AFTER UPDATE OF body, deleted_at, moderation, visibility, anchor_position, chapter_id ON comments
FOR EACH ROW EXECUTE FUNCTION search_comment_outbox_add();
--> statement-breakpoint
CREATE TRIGGER search_comment_gone AFTER DELETE ON comments
FOR EACH ROW EXECUTE FUNCTION search_comment_outbox_add();
--> statement-breakpoint
-- A deleted paragraph leaves the text index and its gate.
CREATE FUNCTION search_paragraph_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM search_paragraph_text WHERE id = OLD.id;
  DELETE FROM search_paragraph_gate WHERE id = OLD.id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER search_paragraph_gone AFTER DELETE ON paragraphs
FOR EACH ROW EXECUTE FUNCTION search_paragraph_gone();
