-- Hand-written (drizzle-kit cannot express WITHOUT ROWID; the snapshot matches the schema).
-- daily_customers held one row per (day, touchpoint, channel, customer): D1 billed a row written
-- for each place a customer interacted on a day (0.57 per event on the demo data). Now one row
-- per (day, customer), its places in `touches`, a sorted JSON array of [touchpoint, channel,
-- stage], as the rollup writes them; segment was the same on every row of a customer's day.
-- One statement copies every row: on a large database it needs time and free space in
-- proportion to its rows (as 0006, 0008 and 0020).
CREATE TABLE `daily_customers_new` (
	`workspace_id` text NOT NULL,
	`day` text NOT NULL,
	`customer_id` text NOT NULL,
	`touches` text NOT NULL,
	`segment` text NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`, `customer_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `daily_customers_new` (`workspace_id`, `day`, `customer_id`, `touches`, `segment`)
SELECT `workspace_id`, `day`, `customer_id`, json_group_array(json(t) ORDER BY t), max(`segment`)
FROM (SELECT `workspace_id`, `day`, `customer_id`, `segment`, json_array(`touchpoint`, `channel`, `stage`) AS t FROM `daily_customers`)
GROUP BY `workspace_id`, `day`, `customer_id`
ORDER BY `workspace_id`, `day`, `customer_id`;
--> statement-breakpoint
DROP TABLE `daily_customers`;
--> statement-breakpoint
ALTER TABLE `daily_customers_new` RENAME TO `daily_customers`;
