CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`scope` text NOT NULL,
	`secret_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`revoked_at` integer
);
--> statement-breakpoint
CREATE INDEX `api_keys_workspace` ON `api_keys` (`workspace_id`);--> statement-breakpoint
CREATE TABLE `customers` (
	`workspace_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`segment` text,
	`traits` text,
	`identified_at` integer,
	`first_seen_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `customer_id`)
);
--> statement-breakpoint
CREATE TABLE `dirty_days` (
	`workspace_id` text NOT NULL,
	`day` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`)
);
--> statement-breakpoint
CREATE TABLE `events` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text NOT NULL,
	`message_id` text NOT NULL,
	`type` text NOT NULL,
	`customer_id` text NOT NULL,
	`ts` integer NOT NULL,
	`day` text NOT NULL,
	`received_at` integer NOT NULL,
	`touchpoint` text,
	`channel` text,
	`outcome` text,
	`sentiment` real,
	`emotion` text,
	`survey` text,
	`score` integer,
	`comment` text,
	`status` text,
	`ticket_id` text,
	`segment` text,
	`data` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_message` ON `events` (`workspace_id`,`message_id`);--> statement-breakpoint
CREATE INDEX `events_day` ON `events` (`workspace_id`,`day`,`type`);--> statement-breakpoint
CREATE INDEX `events_customer` ON `events` (`workspace_id`,`customer_id`,`ts`);--> statement-breakpoint
CREATE INDEX `events_ticket` ON `events` (`workspace_id`,`ticket_id`,`ts`) WHERE type = 'ticket';--> statement-breakpoint
CREATE INDEX `events_ticket_opened` ON `events` (`workspace_id`,`ts`) WHERE type = 'ticket' AND status = 'opened';--> statement-breakpoint
CREATE INDEX `events_recent_people` ON `events` (`workspace_id`,`seq`) WHERE type IN ('identify', 'lifecycle', 'ticket');--> statement-breakpoint
CREATE TABLE `stages` (
	`workspace_id` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`position` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `touchpoints` (
	`workspace_id` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`stage` text NOT NULL,
	`channel` text NOT NULL,
	`intentional` integer NOT NULL,
	`owner` text NOT NULL,
	`critical` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `key`)
);
--> statement-breakpoint
CREATE TABLE `workspaces` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`timezone` text DEFAULT 'UTC' NOT NULL,
	`created_at` integer NOT NULL
);
