CREATE TABLE `alert_rules` (
	`workspace_id` text NOT NULL,
	`key` text NOT NULL,
	`survey` text,
	`max_score` integer,
	`outcome` text,
	`critical_only` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`touchpoint` text,
	`owner` text NOT NULL,
	`rule` text NOT NULL,
	`message_id` text NOT NULL,
	`status` text NOT NULL,
	`opened_at` integer NOT NULL,
	`resolved_at` integer,
	`note` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cases_message` ON `cases` (`workspace_id`,`message_id`);--> statement-breakpoint
CREATE INDEX `cases_status` ON `cases` (`workspace_id`,`status`,`opened_at`);--> statement-breakpoint
CREATE INDEX `cases_opened` ON `cases` (`workspace_id`,`opened_at`);--> statement-breakpoint
CREATE INDEX `cases_customer` ON `cases` (`workspace_id`,`customer_id`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`case_id` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`payload` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_case` ON `deliveries` (`case_id`);--> statement-breakpoint
CREATE INDEX `deliveries_workspace` ON `deliveries` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `delivery_attempts` (
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` integer NOT NULL,
	`status_code` integer,
	`error` text,
	`duration_ms` integer NOT NULL,
	PRIMARY KEY(`delivery_id`, `attempt`)
);
--> statement-breakpoint
CREATE TABLE `webhooks` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `daily_metrics` ADD `loop_cases` integer;--> statement-breakpoint
ALTER TABLE `daily_metrics` ADD `loop_closed` integer;--> statement-breakpoint
ALTER TABLE `daily_metrics` ADD `loop_median_hours` real;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `default_owner` text;