ALTER TABLE `customers` ADD `rolled_segment` text;--> statement-breakpoint
-- Every rolled-up day counted each customer under the segment they have now, except the days
-- of customers whose identify the cascade has not reached yet: those days roll up again.
UPDATE `customers` SET `rolled_segment` = `segment`;
--> statement-breakpoint
INSERT INTO `dirty_days` (`workspace_id`, `day`, `kind`)
SELECT DISTINCT e.workspace_id, e.day, 'full'
FROM `rollup_state` s
JOIN `events` i ON i.workspace_id = s.workspace_id AND i.type = 'identify' AND i.seq > s.people_seq
JOIN `events` e ON e.workspace_id = i.workspace_id AND e.customer_id = i.customer_id AND e.type IN ('interaction', 'response', 'ticket')
WHERE true
ON CONFLICT (`workspace_id`, `day`) DO UPDATE SET `version` = `version` + 1, `kind` = 'full';
