CREATE TABLE `segment_mappings` (
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`rule` text NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `name`)
);
--> statement-breakpoint
CREATE TABLE `segment_sources` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`source_id` text NOT NULL,
	`secret_sealed` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `segment_sources_source` ON `segment_sources` (`source_id`);--> statement-breakpoint
CREATE TABLE `segment_unmapped` (
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`count` integer NOT NULL,
	`last_seen_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `name`)
);
--> statement-breakpoint
ALTER TABLE `webhooks` ADD `previous_secret` text;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `previous_secret_until` integer;--> statement-breakpoint
ALTER TABLE `webhooks` ADD `disabled_at` integer;