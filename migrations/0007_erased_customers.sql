CREATE TABLE `erased_customers` (
	`workspace_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`erased_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `customer_id`)
);
