-- A root comment is its own thread root. Set by the database in the same statement as the
-- insert, so a new root needs one write, not an insert and an update in a transaction.
CREATE TRIGGER `comments_root_is_itself` AFTER INSERT ON `comments`
WHEN NEW.`root_id` IS NULL AND NEW.`parent_id` IS NULL
BEGIN
  UPDATE `comments` SET `root_id` = NEW.`id` WHERE `id` = NEW.`id`;
END;
