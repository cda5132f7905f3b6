CREATE TABLE `notification_addresses` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `notification_mails` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recipient_id` integer NOT NULL,
	`kind` text NOT NULL,
	`notification_id` integer,
	`club_id` integer,
	`period_key` text,
	`state` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` integer NOT NULL,
	`lease_until` integer,
	`claim_token` text,
	`message_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`sent_at` integer,
	`last_error` text,
	FOREIGN KEY (`recipient_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notification_mails_due_idx` ON `notification_mails` (`state`,`next_attempt_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `notification_mails_period_idx` ON `notification_mails` (`recipient_id`,`kind`,`period_key`);--> statement-breakpoint
CREATE TABLE `notification_preferences` (
	`user_id` integer NOT NULL,
	`club_id` integer NOT NULL,
	`in_app` integer NOT NULL,
	`email` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `club_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `notification_sources` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`subject_id` integer NOT NULL,
	`actor_id` integer,
	`club_id` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notification_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recipient_id` integer NOT NULL,
	`club_id` integer,
	`kind` text NOT NULL,
	`facts` text NOT NULL,
	`group_key` text,
	`in_app` integer DEFAULT true NOT NULL,
	`mail_status` text DEFAULT 'none' NOT NULL,
	`mail_id` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`recipient_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`club_id`) REFERENCES `clubs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `notifications_recipient_idx` ON `notifications` (`recipient_id`,`read_at`,`updated_at`);--> statement-breakpoint
CREATE INDEX `notifications_digest_idx` ON `notifications` (`mail_status`,`recipient_id`);--> statement-breakpoint
CREATE INDEX `notifications_mail_idx` ON `notifications` (`mail_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `notifications_group_unread_idx` ON `notifications` (`recipient_id`,`group_key`) WHERE group_key is not null and read_at is null;--> statement-breakpoint
-- The notification sources: each write that may notify someone lists itself here in its own
-- transaction, whichever code made it (see db/schema/notifications.ts, docs/notifications.md).
CREATE TRIGGER `notify_comment_posted` AFTER INSERT ON `comments`
WHEN NEW.`visibility` = 'club'
BEGIN
  INSERT INTO `notification_sources` (`kind`, `subject_id`, `actor_id`, `club_id`, `created_at`) VALUES ('comment', NEW.`id`, NEW.`author_id`, NEW.`club_id`, NEW.`created_at`);
END;
--> statement-breakpoint
CREATE TRIGGER `notify_reaction_given` AFTER INSERT ON `reactions`
BEGIN
  INSERT INTO `notification_sources` (`kind`, `subject_id`, `actor_id`, `club_id`, `created_at`)
  SELECT 'reaction', NEW.`comment_id`, NEW.`user_id`, `club_id`, NEW.`created_at` FROM `comments` WHERE `id` = NEW.`comment_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `notify_member_joined` AFTER INSERT ON `memberships`
BEGIN
  INSERT INTO `notification_sources` (`kind`, `subject_id`, `actor_id`, `club_id`, `created_at`) VALUES ('member', NEW.`user_id`, NEW.`user_id`, NEW.`club_id`, NEW.`joined_at`);
  UPDATE `notification_sources` SET `actor_id` = NEW.`user_id`, `created_at` = NEW.`joined_at`
  WHERE `kind` = 'invitation' AND `club_id` = NEW.`club_id` AND `actor_id` IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `notify_invitation_used` AFTER UPDATE OF `uses` ON `invitations`
WHEN NEW.`uses` > OLD.`uses`
BEGIN
  INSERT INTO `notification_sources` (`kind`, `subject_id`, `actor_id`, `club_id`, `created_at`) VALUES ('invitation', NEW.`id`, NULL, NEW.`club_id`, 0);
END;
--> statement-breakpoint
CREATE TRIGGER `notify_poll_created` AFTER INSERT ON `polls`
BEGIN
  INSERT INTO `notification_sources` (`kind`, `subject_id`, `actor_id`, `club_id`, `created_at`) VALUES ('poll', NEW.`id`, NEW.`created_by`, NEW.`club_id`, NEW.`created_at`);
END;
--> statement-breakpoint
CREATE TRIGGER `notify_poll_closed` AFTER UPDATE OF `closed_at` ON `polls`
WHEN NEW.`closed_at` IS NOT NULL AND OLD.`closed_at` IS NULL
BEGIN
  INSERT INTO `notification_sources` (`kind`, `subject_id`, `actor_id`, `club_id`, `created_at`) VALUES ('poll_closed', NEW.`id`, NULL, NEW.`club_id`, NEW.`closed_at`);
END;
--> statement-breakpoint
CREATE TRIGGER `notify_moderation_logged` AFTER INSERT ON `moderation_log`
WHEN NEW.`action` IN ('hidden', 'removed', 'flag_hidden', 'restored', 'warned') AND NEW.`target_user_id` IS NOT NULL AND NEW.`club_id` IS NOT NULL
BEGIN
  INSERT INTO `notification_sources` (`kind`, `subject_id`, `actor_id`, `club_id`, `created_at`) VALUES ('moderation', NEW.`id`, NEW.`actor_id`, NEW.`club_id`, NEW.`created_at`);
END;
