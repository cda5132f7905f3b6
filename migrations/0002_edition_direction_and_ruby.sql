ALTER TABLE `editions` ADD `direction` text DEFAULT 'ltr' NOT NULL;--> statement-breakpoint
ALTER TABLE `editions` ADD `writing_mode` text DEFAULT 'horizontal-tb' NOT NULL;--> statement-breakpoint
ALTER TABLE `paragraphs` ADD `ruby` text;