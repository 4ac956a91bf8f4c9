// A metric alert's state change, in one batch. Triggering opens the n-th case of the alert
// (message id metric-alert:<key>:<n>, unique per workspace) and its `alert.triggered`
// delivery, each only while the alert is still `recovered`, before the UPDATE that flips it:
// two evaluations racing open one case.

const CASE_MESSAGE = `'metric-alert:' || a."key" || ':' || (a.triggers + 1)`;

const OPEN = `
INSERT INTO cases (id, workspace_id, customer_id, touchpoint, owner, rule, message_id, status, opened_at, note)
SELECT lower(hex(randomblob(8))), a.workspace_id, '', a.touchpoint, coalesce(tp.owner, w.default_owner, 'unassigned'),
  'metric:' || a."key", ${CASE_MESSAGE}, 'open', ?3, ?4
FROM metric_alerts a JOIN workspaces w ON w.id = a.workspace_id
LEFT JOIN touchpoints tp ON tp.workspace_id = a.workspace_id AND tp."key" = a.touchpoint
WHERE a.workspace_id = ?1 AND a."key" = ?2 AND a.state = 'recovered'
ON CONFLICT (workspace_id, message_id) DO NOTHING`;

const QUEUE = `
INSERT INTO deliveries (id, workspace_id, case_id, type, status, attempts, created_at, updated_at)
SELECT 'dl_' || c.id || '_alert', c.workspace_id, c.id, 'alert.triggered', 'pending', 0, ?3, ?3
FROM metric_alerts a
JOIN cases c ON c.workspace_id = a.workspace_id AND c.message_id = ${CASE_MESSAGE}
JOIN webhooks h ON h.workspace_id = a.workspace_id AND h.disabled_at IS NULL
WHERE a.workspace_id = ?1 AND a."key" = ?2 AND a.state = 'recovered'
ON CONFLICT (case_id, type) DO NOTHING
RETURNING id`;

const FLIP = `
UPDATE metric_alerts SET state = ?3, changed_at = ?4, last_value = ?5, triggers = triggers + (?3 = 'triggered')
WHERE workspace_id = ?1 AND "key" = ?2 AND state <> ?3`;

/** Triggers: opens the case (note says why) and returns the deliveries to enqueue. */
export async function triggerAlert(d1: D1Database, ws: string, key: string, value: number, note: string, now: number) {
  const [, queued] = await d1.batch([
    d1.prepare(OPEN).bind(ws, key, now, note),
    d1.prepare(QUEUE).bind(ws, key, now),
    d1.prepare(FLIP).bind(ws, key, 'triggered', now, value),
  ]);
  return (queued.results as { id: string }[]).map((r) => r.id);
}

export async function recoverAlert(d1: D1Database, ws: string, key: string, value: number, now: number) {
  await d1.prepare(FLIP).bind(ws, key, 'recovered', now, value).run();
}

/** The last value seen, whatever the state. */
export async function noteAlertValue(d1: D1Database, ws: string, key: string, value: number | null) {
  await d1.prepare('UPDATE metric_alerts SET last_value = ?3 WHERE workspace_id = ?1 AND "key" = ?2').bind(ws, key, value).run();
}
