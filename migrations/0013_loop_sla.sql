CREATE TABLE `case_events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text NOT NULL,
	`case_id` text NOT NULL,
	`at` integer NOT NULL,
	`kind` text NOT NULL,
	`from_value` text,
	`to_value` text,
	`note` text,
	`once` text
);
--> statement-breakpoint
CREATE INDEX `case_events_case` ON `case_events` (`workspace_id`,`case_id`,`seq`);--> statement-breakpoint
CREATE UNIQUE INDEX `case_events_once` ON `case_events` (`once`);--> statement-breakpoint
CREATE TABLE `metric_alerts` (
	`workspace_id` text NOT NULL,
	`key` text NOT NULL,
	`metric` text NOT NULL,
	`touchpoint` text,
	`segment` text,
	`direction` text NOT NULL,
	`threshold` real NOT NULL,
	`period` text NOT NULL,
	`state` text DEFAULT 'recovered' NOT NULL,
	`triggers` integer DEFAULT 0 NOT NULL,
	`last_value` real,
	`changed_at` integer,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `root_causes` (
	`workspace_id` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `key`)
);
--> statement-breakpoint
DROP INDEX `deliveries_case`;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `type` text DEFAULT 'case.opened' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_case_type` ON `deliveries` (`case_id`,`type`);--> statement-breakpoint
ALTER TABLE `alert_rules` ADD `sla_hours` integer;--> statement-breakpoint
ALTER TABLE `alert_rules` ADD `escalate_to` text;--> statement-breakpoint
ALTER TABLE `cases` ADD `due_at` integer;--> statement-breakpoint
ALTER TABLE `cases` ADD `escalated_at` integer;--> statement-breakpoint
ALTER TABLE `cases` ADD `root_cause` text;--> statement-breakpoint
CREATE INDEX `cases_due` ON `cases` (`due_at`) WHERE status = 'open' AND escalated_at IS NULL AND due_at IS NOT NULL;--> statement-breakpoint
ALTER TABLE `daily_metrics` ADD `loop_overdue` integer;--> statement-breakpoint
ALTER TABLE `daily_metrics` ADD `loop_sla_met` integer;--> statement-breakpoint
ALTER TABLE `daily_metrics` ADD `loop_sla_decided` integer;