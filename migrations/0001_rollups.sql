CREATE TABLE `daily_customers` (
	`workspace_id` text NOT NULL,
	`day` text NOT NULL,
	`dim` text NOT NULL,
	`key` text NOT NULL,
	`customer_id` text NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`, `dim`, `key`, `customer_id`)
);
--> statement-breakpoint
CREATE TABLE `daily_metrics` (
	`workspace_id` text NOT NULL,
	`day` text NOT NULL,
	`dim` text NOT NULL,
	`key` text NOT NULL,
	`nps_promoters` integer DEFAULT 0 NOT NULL,
	`nps_passives` integer DEFAULT 0 NOT NULL,
	`nps_detractors` integer DEFAULT 0 NOT NULL,
	`csat_responses` integer DEFAULT 0 NOT NULL,
	`csat_satisfied` integer DEFAULT 0 NOT NULL,
	`ces_responses` integer DEFAULT 0 NOT NULL,
	`ces_sum` integer DEFAULT 0 NOT NULL,
	`ces_easy` integer DEFAULT 0 NOT NULL,
	`int_count` integer DEFAULT 0 NOT NULL,
	`int_success` integer DEFAULT 0 NOT NULL,
	`int_failure` integer DEFAULT 0 NOT NULL,
	`int_abandoned` integer DEFAULT 0 NOT NULL,
	`int_negative` integer DEFAULT 0 NOT NULL,
	`sent_sum` real DEFAULT 0 NOT NULL,
	`sent_count` integer DEFAULT 0 NOT NULL,
	`cust_start` integer,
	`cust_end` integer,
	`cust_churned` integer,
	`cust_new` integer,
	`tk_received` integer,
	`tk_resolved` integer,
	`tk_first_response_median` real,
	PRIMARY KEY(`workspace_id`, `day`, `dim`, `key`)
);
--> statement-breakpoint
CREATE TABLE `rollup_state` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`people_seq` integer DEFAULT 0 NOT NULL,
	`rolled_through` text,
	`report_gen` integer DEFAULT 0 NOT NULL,
	`last_run_at` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `events_lifecycle` ON `events` (`workspace_id`,`customer_id`,`ts`) WHERE type = 'lifecycle';