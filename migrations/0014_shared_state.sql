CREATE TABLE `job_claims` (
	`job` text NOT NULL,
	`tick` integer NOT NULL,
	`owner` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`lease_until` integer NOT NULL,
	`done_at` integer,
	PRIMARY KEY(`job`, `tick`)
);
--> statement-breakpoint
CREATE TABLE `login_known_addresses` (
	`username_key` text NOT NULL,
	`address` text NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`username_key`, `address`)
);
--> statement-breakpoint
CREATE TABLE `rate_limit_counters` (
	`limiter` text NOT NULL,
	`key` text NOT NULL,
	`started_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`limiter`, `key`)
);
--> statement-breakpoint
CREATE INDEX `rate_limit_counters_ends_idx` ON `rate_limit_counters` (`ends_at`);--> statement-breakpoint
CREATE TABLE `shared_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`origin` text NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `shared_events_created_idx` ON `shared_events` (`created_at`);--> statement-breakpoint
CREATE TABLE `shared_secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL,
	`created_at` integer NOT NULL
);
