ALTER TABLE `comments` ADD `reanchor_score` real;--> statement-breakpoint
ALTER TABLE `comments` ADD `reanchor_method` text;--> statement-breakpoint
ALTER TABLE `comments` ADD `previous_anchor` text;--> statement-breakpoint
ALTER TABLE `comments` ADD `orphaned` integer DEFAULT false NOT NULL;