// The workspace's webhook endpoint and its delivery log, as the admin API shows them.

/** Sets the endpoint with a fresh secret (a rotation in progress and a 410 disable are reset). */
export async function setWebhook(d1: D1Database, ws: string, url: string, secret: string, now: number) {
  await d1
    .prepare(
      `INSERT INTO webhooks (workspace_id, url, secret, created_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT (workspace_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, created_at = excluded.created_at,
         previous_secret = NULL, previous_secret_until = NULL, disabled_at = NULL`,
    )
    .bind(ws, url, secret, now)
    .run();
}

export async function getWebhook(d1: D1Database, ws: string) {
  const row = await d1.prepare('SELECT url, disabled_at FROM webhooks WHERE workspace_id = ?1').bind(ws).first<{ url: string; disabled_at: number | null }>();
  return { url: row?.url ?? null, disabledAt: row?.disabled_at ? new Date(row.disabled_at).toISOString() : null };
}

/** False when no webhook is set. */
export async function deleteWebhook(d1: D1Database, ws: string): Promise<boolean> {
  const res = await d1.prepare('DELETE FROM webhooks WHERE workspace_id = ?1').bind(ws).run();
  return (res.meta.changes ?? 0) > 0;
}

export type AttemptView = { attempt: number; at: string; statusCode: number | null; error: string | null; durationMs: number };

/** The 100 newest deliveries, each with every attempt in order. */
export async function listDeliveries(d1: D1Database, ws: string) {
  const { results } = await d1
    .prepare(
      `SELECT d.id, d.case_id, d.type, d.status, d.created_at, d.updated_at,
         (SELECT json_group_array(json_object('attempt', a.attempt, 'at', a.at, 'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms))
          FROM (SELECT * FROM delivery_attempts WHERE delivery_id = d.id ORDER BY attempt) a) AS attempts
       FROM deliveries d WHERE d.workspace_id = ?1 ORDER BY d.created_at DESC, d.id LIMIT 100`,
    )
    .bind(ws)
    .all<{ id: string; case_id: string; type: string; status: string; created_at: number; updated_at: number; attempts: string }>();
  const iso = (ms: number) => new Date(ms).toISOString();
  return results.map((d) => ({
    id: d.id,
    caseId: d.case_id,
    type: d.type,
    status: d.status,
    attempts: (JSON.parse(d.attempts) as (Omit<AttemptView, 'at'> & { at: number })[]).map((a) => ({ ...a, at: iso(a.at) })),
    createdAt: iso(d.created_at),
    updatedAt: iso(d.updated_at),
  }));
}
