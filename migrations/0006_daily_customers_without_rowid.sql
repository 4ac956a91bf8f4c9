-- daily_customers is nothing but its primary key: as a rowid table SQLite stored every row
-- twice (the table and its unique index), 62% of the database in the demo workspace.
-- WITHOUT ROWID keeps one copy, ordered by the key. drizzle-kit cannot express this, so the
-- migration is written by hand; the columns and key are unchanged.
CREATE TABLE `daily_customers_new` (
	`workspace_id` text NOT NULL,
	`day` text NOT NULL,
	`dim` text NOT NULL,
	`key` text NOT NULL,
	`customer_id` text NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`, `dim`, `key`, `customer_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `daily_customers_new` SELECT `workspace_id`, `day`, `dim`, `key`, `customer_id` FROM `daily_customers`;
--> statement-breakpoint
DROP TABLE `daily_customers`;
--> statement-breakpoint
ALTER TABLE `daily_customers_new` RENAME TO `daily_customers`;
