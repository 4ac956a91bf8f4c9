-- Hand-written (drizzle-kit cannot express WITHOUT ROWID; the columns and keys are unchanged, as
-- in 0006). As rowid tables, customers and daily_metrics kept every row twice: the table and the
-- unique index of its primary key, so D1 billed two rows written for each new customer and each
-- rollup row. WITHOUT ROWID keeps one copy, ordered by the key. No table references either.
CREATE TABLE `customers_new` (
	`workspace_id` text NOT NULL,
	`customer_id` text NOT NULL,
	`segment` text,
	`traits` text,
	`identified_at` integer,
	`first_seen_at` integer NOT NULL,
	`rolled_segment` text,
	PRIMARY KEY(`workspace_id`, `customer_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `customers_new` (`workspace_id`, `customer_id`, `segment`, `traits`, `identified_at`, `first_seen_at`, `rolled_segment`)
SELECT `workspace_id`, `customer_id`, `segment`, `traits`, `identified_at`, `first_seen_at`, `rolled_segment` FROM `customers`;
--> statement-breakpoint
DROP TABLE `customers`;
--> statement-breakpoint
ALTER TABLE `customers_new` RENAME TO `customers`;
--> statement-breakpoint
CREATE TABLE `daily_metrics_new` (
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
	`ces_sq` integer DEFAULT 0 NOT NULL,
	`value_count` integer DEFAULT 0 NOT NULL,
	`value_sum` real DEFAULT 0 NOT NULL,
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
	`tk_first_response_p90` real,
	`tk_awaiting` integer,
	`loop_cases` integer,
	`loop_closed` integer,
	`loop_median_hours` real,
	`loop_overdue` integer,
	`loop_sla_met` integer,
	`loop_sla_decided` integer,
	PRIMARY KEY(`workspace_id`, `day`, `dim`, `key`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `daily_metrics_new` (`workspace_id`, `day`, `dim`, `key`, `nps_promoters`, `nps_passives`, `nps_detractors`, `csat_responses`, `csat_satisfied`, `ces_responses`, `ces_sum`, `ces_easy`, `ces_sq`, `value_count`, `value_sum`, `int_count`, `int_success`, `int_failure`, `int_abandoned`, `int_negative`, `sent_sum`, `sent_count`, `cust_start`, `cust_end`, `cust_churned`, `cust_new`, `tk_received`, `tk_resolved`, `tk_first_response_median`, `tk_first_response_p90`, `tk_awaiting`, `loop_cases`, `loop_closed`, `loop_median_hours`, `loop_overdue`, `loop_sla_met`, `loop_sla_decided`)
SELECT `workspace_id`, `day`, `dim`, `key`, `nps_promoters`, `nps_passives`, `nps_detractors`, `csat_responses`, `csat_satisfied`, `ces_responses`, `ces_sum`, `ces_easy`, `ces_sq`, `value_count`, `value_sum`, `int_count`, `int_success`, `int_failure`, `int_abandoned`, `int_negative`, `sent_sum`, `sent_count`, `cust_start`, `cust_end`, `cust_churned`, `cust_new`, `tk_received`, `tk_resolved`, `tk_first_response_median`, `tk_first_response_p90`, `tk_awaiting`, `loop_cases`, `loop_closed`, `loop_median_hours`, `loop_overdue`, `loop_sla_met`, `loop_sla_decided` FROM `daily_metrics`;
--> statement-breakpoint
DROP TABLE `daily_metrics`;
--> statement-breakpoint
ALTER TABLE `daily_metrics_new` RENAME TO `daily_metrics`;
