-- What customers say, counted by the rollup per day (src/insights/theme-counts.ts).
-- Edited by hand after drizzle-kit: WITHOUT ROWID (each table is its key plus a column or a few
-- short ones), and the days already rolled up that hold survey comments are marked `full`, so
-- the drain counts their comments; reports say complete: false until it has.
CREATE TABLE `daily_terms` (
	`workspace_id` text NOT NULL,
	`day` text NOT NULL,
	`term` text NOT NULL,
	`mentions` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`, `term`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `daily_theme_quotes` (
	`workspace_id` text NOT NULL,
	`day` text NOT NULL,
	`theme` text NOT NULL,
	`seq` integer NOT NULL,
	`ts` integer NOT NULL,
	`segment` text NOT NULL,
	`touchpoint` text NOT NULL,
	`survey` text NOT NULL,
	`score` integer NOT NULL,
	`text` text NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`, `theme`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `daily_themes` (
	`workspace_id` text NOT NULL,
	`day` text NOT NULL,
	`theme` text NOT NULL,
	`touchpoint` text NOT NULL,
	`segment` text NOT NULL,
	`nps_group` text NOT NULL,
	`mentions` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`, `theme`, `touchpoint`, `segment`, `nps_group`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO dirty_days (workspace_id, day, kind)
SELECT DISTINCT e.workspace_id, e.day, 'full' FROM events e
WHERE e.type = 'response' AND trim(e.comment) <> ''
  AND EXISTS (SELECT 1 FROM daily_metrics m WHERE m.workspace_id = e.workspace_id AND m.day = e.day AND m.dim = 'all')
ON CONFLICT (workspace_id, day) DO UPDATE SET version = version + 1, kind = 'full';
--> statement-breakpoint
UPDATE rollup_state SET report_gen = report_gen + 1
WHERE workspace_id IN (SELECT workspace_id FROM dirty_days);
