DROP INDEX `events_lifecycle`;--> statement-breakpoint
CREATE INDEX `events_lifecycle` ON `events` (`workspace_id`,`customer_id`,`ts`,`seq`,`status`) WHERE type = 'lifecycle';