// The hourly safety net: every workspace with work and no live drain gets one. Work: a day
// completed since the last rollup (rolled_through behind yesterday), marks of complete days, a
// late lifecycle day, or identify/lifecycle/ticket events the cascade has not seen. A drain whose heartbeat
// stopped (its instance errored or vanished) is replaced.
import type { Env } from '../env.ts';
import { yesterdayIn } from '../platform/time.ts';
import { abandonDrain, drainId, ensureDrain } from './drain.ts';

/** Workspaces started per tick (two subrequests each); the rest wait for the next tick. */
const STARTS_PER_TICK = 200;
/** A live drain is checked once its last step is older than this. */
const STALE_MS = 15 * 60_000;

const CANDIDATES = `
SELECT w.id, w.timezone, s.rolled_through, coalesce(s.drain_open, 0) AS drain_open, coalesce(s.drain_seq, 0) AS drain_seq,
  coalesce(s.drain_started_at, 0) AS drain_started_at,
  (SELECT MIN(d.day) FROM dirty_days d WHERE d.workspace_id = w.id) AS first_marked,
  (s.people_from IS NOT NULL
    OR EXISTS (SELECT 1 FROM people_days pd WHERE pd.workspace_id = w.id)) AS people
FROM workspaces w LEFT JOIN rollup_state s ON s.workspace_id = w.id
ORDER BY coalesce(s.drain_started_at, 0), w.id`;

type Candidate = {
  id: string;
  timezone: string;
  rolled_through: string | null;
  drain_open: number;
  drain_seq: number;
  drain_started_at: number;
  first_marked: string | null;
  people: number;
};

async function isDead(env: Env, c: Candidate, now: number): Promise<boolean> {
  if (now - c.drain_started_at < STALE_MS) return false;
  try {
    const { status } = await (await env.ROLLUPS.get(drainId(c.id, c.drain_seq))).status();
    return ['errored', 'terminated', 'complete', 'unknown'].includes(status);
  } catch {
    return true; // no such instance
  }
}

export async function scheduledDrains(env: Env, d1: D1Database, now: number): Promise<{ started: number }> {
  const { results } = await d1.prepare(CANDIDATES).all<Candidate>();
  let started = 0;
  for (const c of results) {
    if (started >= STARTS_PER_TICK) break;
    const yesterday = yesterdayIn(c.timezone, now);
    // Marks of today alone are not work yet: today rolls up once it is complete.
    const marked = c.first_marked !== null && c.first_marked <= yesterday;
    const work = marked || c.people || !c.rolled_through || c.rolled_through < yesterday;
    if (!work) continue;
    try {
      if (c.drain_open) {
        if (!(await isDead(env, c, now))) continue;
        await abandonDrain(d1, c.id);
      }
      if (await ensureDrain(env, d1, c.id, now)) started++;
    } catch (err) {
      // One workspace's failure must not starve the others; its marks stay for the next tick.
      console.error('drain not started', c.id, err instanceof Error ? err.message : String(err));
    }
  }
  return { started };
}
