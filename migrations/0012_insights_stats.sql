ALTER TABLE `daily_metrics` ADD `ces_sq` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `daily_metrics` ADD `value_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `daily_metrics` ADD `value_sum` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `events` ADD `value` real;--> statement-breakpoint
ALTER TABLE `workspaces` ADD `currency` text DEFAULT 'EUR' NOT NULL;--> statement-breakpoint
-- Hand-added: days rolled up before ces_sq existed have it 0; marking them `full` makes the
-- drain re-aggregate them, so CES intervals never read a missing sum of squares.
INSERT INTO `dirty_days` (`workspace_id`, `day`, `kind`)
SELECT DISTINCT `workspace_id`, `day`, 'full' FROM `daily_metrics` WHERE `dim` = 'all' AND `ces_responses` > 0 AND true
ON CONFLICT (`workspace_id`, `day`) DO UPDATE SET `version` = `version` + 1, `kind` = 'full';
