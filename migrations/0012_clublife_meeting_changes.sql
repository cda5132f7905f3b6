ALTER TABLE `meetings` ADD `cancelled_at` integer;--> statement-breakpoint
ALTER TABLE `meetings` ADD `cancel_reason` text;