CREATE TABLE `ingest_dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`body` text NOT NULL,
	`attempts` integer NOT NULL,
	`at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ingest_dead_letters_workspace` ON `ingest_dead_letters` (`workspace_id`,`at`);