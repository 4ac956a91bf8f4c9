CREATE TABLE `rollup_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`from_day` text NOT NULL,
	`to_day` text NOT NULL,
	`days` integer NOT NULL,
	`status` text NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rollup_runs_live` ON `rollup_runs` (`workspace_id`,`status`,`created_at`);--> statement-breakpoint
DROP INDEX `events_lifecycle`;--> statement-breakpoint
CREATE INDEX `events_lifecycle` ON `events` (`workspace_id`,`customer_id`,`ts`,`seq`,`status`,`day`) WHERE type = 'lifecycle';--> statement-breakpoint
ALTER TABLE `daily_metrics` ADD `tk_first_response_p90` real;--> statement-breakpoint
ALTER TABLE `daily_metrics` ADD `tk_awaiting` integer;--> statement-breakpoint
ALTER TABLE `dirty_days` ADD `kind` text DEFAULT 'full' NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_state` ADD `people_from` text;--> statement-breakpoint
ALTER TABLE `rollup_state` ADD `history_from` text;--> statement-breakpoint
ALTER TABLE `rollup_state` ADD `drain_seq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_state` ADD `drain_open` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `rollup_state` ADD `drain_started_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- First responses are no longer cut at the day's end (SPEC), and days gain p90 and awaiting: the
-- days that received tickets roll up again.
INSERT INTO `dirty_days` (`workspace_id`, `day`) SELECT DISTINCT `workspace_id`, `day` FROM `daily_metrics` WHERE `dim` = 'all' AND `tk_received` > 0 ON CONFLICT DO NOTHING;
