import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CASE_SQL } from '../src/services/cases';
import { INGEST_SQL } from '../src/services/ingest';

// Ingest must cost the same on the first day and after years of history: every statement of
// its batch walks the request's rows and reaches stored rows through an index, never by
// scanning a table. (A plain JOIN once let SQLite scan all of a workspace's events per request.)
async function plan(sql: string): Promise<string[]> {
  const params = ['ws', '[]', 0].slice(0, Math.max(...[...sql.matchAll(/\?(\d)/g)].map((m) => Number(m[1]))));
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
  return results.map((r) => r.detail);
}

describe('ingest query plans', () => {
  for (const [name, sql] of Object.entries({ ...INGEST_SQL, ...CASE_SQL })) {
    it(`${name} scans only the request's rows`, async () => {
      const steps = await plan(sql);
      expect(steps.length).toBeGreaterThan(0);
      expect(steps.some((s) => /^SCAN j\b/.test(s))).toBe(true);
      // A table scan, or a walk over all of a workspace's events or cases (an index used by
      // its workspace prefix alone), grows with history.
      const costly = steps.filter((s) => (/^SCAN /.test(s) && !/^SCAN j\b/.test(s)) || /^SEARCH [ec] USING .*\(workspace_id=\?\)$/.test(s));
      expect(costly, steps.join('\n')).toEqual([]);
    });
  }
});
