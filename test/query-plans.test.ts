import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { CASE_SQL } from '../src/loop/cases.ts';
import { INGEST_SQL } from '../src/ingest/store.ts';
import { DAY_CHANGES, lifecyclePerCustomer } from '../src/rollup/lifecycle.ts';
import { PRIORITY_SQL } from '../src/journey/priorities.ts';
import { PEOPLE_DAYS } from '../src/rollup/dirty-days.ts';
import { SEGMENT_MOVE_SQL } from '../src/rollup/segment-moves.ts';
import { ESCALATION_SQL } from '../src/loop/escalation.ts';
import { STRANDED_DELIVERIES } from '../src/loop/webhooks.ts';
import { DAY_COMMENTS } from '../src/insights/theme-counts.ts';
import { COMMENT_DAYS } from '../src/rollup/theme-days.ts';
import { SQL as THEME_SQL } from '../src/reports/themes-report.ts';
import { CELL_COUNTS, CELL_QUOTES, CELL_SUMS } from '../src/journey/empathy.ts';
import { recordStatements } from './recorded-statements.ts';
import { ROLLUP_SQL } from '../src/rollup/day.ts';
import { VALUE_SQL } from '../src/reports/value.ts';
import { DAY_METRICS_SQL } from '../src/rollup/day-metrics.ts';
import { VOICE_ROW_SQL } from '../src/insights/voice-rows.ts';

// Ingest must cost the same on the first day and after years of history: every statement of
// its batch walks the request's rows and reaches stored rows through an index, never by
// scanning a table. (A plain JOIN once let SQLite scan all of a workspace's events per request.)
async function plan(sql: string): Promise<string[]> {
  const params = ['ws', '[]', 0, '2026-01-01', '2026-01-31'].slice(0, Math.max(...[...sql.matchAll(/\?(\d)/g)].map((m) => Number(m[1]))));
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
      // (SCAN CONSTANT ROW: the one row of a SELECT with no FROM, not a table; a VIRTUAL TABLE
      // is json_each over the request's JSON, or over a part of it.)
      const costly = steps.filter((s) => (/^SCAN /.test(s) && !/^SCAN (j\b|CONSTANT ROW\b|\w+ VIRTUAL TABLE)/.test(s)) || /^SEARCH [ec] USING .*\(workspace_id=\?\)$/.test(s));
      expect(costly, steps.join('\n')).toEqual([]);
    });
  }
});

// The rollup's people cascade and the priorities report read days of events through their batch
// rows (event_days, by its key) and each event by the events key; the cascade reaches a moved
// customer's lifecycle events through events_lifecycle and other days through customer_days, and
// the reports match the period's events to respondents or active customers through an automatic
// index, never by walking one once per row of the other (which made them quadratic).
describe('rollup and report query plans', () => {
  for (const [name, sql] of Object.entries({ PEOPLE_DAYS, ...PRIORITY_SQL })) {
    it(`${name} reads days through event_days and events by their key`, async () => {
      const steps = await plan(sql);
      const events = steps.filter((s) => /^SEARCH e /.test(s));
      expect(events.length, steps.join('\n')).toBeGreaterThan(0);
      const keyed = /PRIMARY KEY \(workspace_id=\? AND message_id=\?\)|INDEX events_(lifecycle|ticket) \(workspace_id=\? AND (customer_id|ticket_id)=\?/;
      expect(events.filter((s) => !keyed.test(s)), steps.join('\n')).toEqual([]);
      const days = steps.filter((s) => /^SEARCH m /.test(s));
      expect(days.length, steps.join('\n')).toBeGreaterThan(0);
      expect(days.filter((s) => !/PRIMARY KEY \(workspace_id=\? AND day[=>]\?/.test(s)), steps.join('\n')).toEqual([]);
      expect(steps.filter((s) => /^SCAN (e|m|events|event_days|cd|customer_days)\b/.test(s)), steps.join('\n')).toEqual([]);
      if (sql === PEOPLE_DAYS) {
        expect(steps.some((s) => /^SCAN pd\b|SEARCH pd USING PRIMARY KEY \(workspace_id=\?\)/.test(s)), steps.join('\n')).toBe(true);
        expect(steps.some((s) => /^SEARCH cd USING PRIMARY KEY \(workspace_id=\? AND customer_id=\?\)/.test(s)), steps.join('\n')).toBe(true);
      } else {
        expect(steps.some((s) => /AUTOMATIC .*INDEX \(.*customer_id=\?\)/.test(s)), steps.join('\n')).toBe(true);
      }
    });
  }
});

// A segment move finds the moved customers' days through customer_days, reads each such day once
// (its batch rows, then the events by key) matching the moved customers through an index, and
// writes the rolled-up rows by their keys: it never walks the workspace's days.
describe('segment move query plans', () => {
  for (const [name, sql] of Object.entries(SEGMENT_MOVE_SQL)) {
    it(`${name} reaches only the moved customers' rows`, async () => {
      const steps = await plan(sql);
      const scans = steps.filter((s) => /^SCAN /.test(s) && !/^SCAN (j|s|d|json_each|fine|signed|dims|days|mv)\b/.test(s));
      expect(scans, steps.join('\n')).toEqual([]);
      const byWorkspaceOnly = steps.filter((s) => /\(workspace_id=\?\)$/.test(s));
      expect(byWorkspaceOnly, steps.join('\n')).toEqual([]);
      if (sql.includes('UPDATE daily_customers')) {
        expect(steps.some((s) => /daily_customers USING PRIMARY KEY \(workspace_id=\? AND day=\? AND customer_id=\?\)/.test(s)), steps.join('\n')).toBe(true);
      }
      if (sql.includes('events_by_day e')) {
        expect(steps.some((s) => /^SEARCH cd USING PRIMARY KEY \(workspace_id=\? AND customer_id=\? AND day>\? AND day<\?\)/.test(s)), steps.join('\n')).toBe(true);
        expect(steps.some((s) => /^SEARCH m USING PRIMARY KEY \(workspace_id=\? AND day=\? AND type=\?\)/.test(s)), steps.join('\n')).toBe(true);
        expect(steps.some((s) => /^SEARCH mv USING AUTOMATIC .*INDEX \(c=\?\)/.test(s)), steps.join('\n')).toBe(true);
      }
    });
  }
});

// Who was active when: one ordered pass over the workspace's lifecycle events that never
// visits the events table (the index carries seq and status), and no sort for the window.
describe('lifecycle query plan', () => {
  it('reads the covering events_lifecycle index in its own order', async () => {
    const steps = await plan(`WITH ${lifecyclePerCustomer(1, '?3', () => '?2', () => '?3', true)} SELECT COUNT(*) FROM per`);
    expect(steps.some((s) => /^SEARCH events USING COVERING INDEX events_lifecycle \(workspace_id=\?/.test(s)), steps.join('\n')).toBe(true);
    expect(steps.filter((s) => /TEMP B-TREE FOR .*ORDER BY/.test(s)), steps.join('\n')).toEqual([]);
  });
});

// The drain's lifecycle pass: the same ordered walk of the covering index, for every day at once.
describe('lifecycle pass query plan', () => {
  it('walks the covering events_lifecycle index (it carries the day) with no sort for its window', async () => {
    const steps = await plan(DAY_CHANGES);
    expect(steps.some((s) => /^SEARCH events USING COVERING INDEX events_lifecycle \(workspace_id=\?/.test(s)), steps.join('\n')).toBe(true);
    // Sorts after the window (of customer-day groups and their per-day sums) are fine; one
    // before it would sort every lifecycle event of the workspace.
    const windowRead = steps.findIndex((s) => /^SCAN lc\b/.test(s));
    const firstSort = steps.findIndex((s) => /TEMP B-TREE/.test(s));
    expect(windowRead, steps.join('\n')).toBeGreaterThan(0);
    expect(firstSort, steps.join('\n')).toBeGreaterThan(windowRead);
  });
});

// The hourly SLA sweep runs across all workspaces: it must reach due cases through the partial
// index of open, unescalated cases with a due time, never by scanning every case ever opened.
describe('escalation query plans', () => {
  for (const [name, sql] of Object.entries(ESCALATION_SQL)) {
    it(`${name} finds due cases through cases_due`, async () => {
      const steps = await plan(sql);
      expect(steps.some((s) => /USING INDEX cases_due/.test(s)), steps.join('\n')).toBe(true);
      expect(steps.filter((s) => /^SCAN (c|cases)\b/.test(s)), steps.join('\n')).toEqual([]);
    });
  }
});

// What customers say: the rollup pages through a day's comments (its response batch rows, then
// the events by key), and every voice report reads a range of days through the tables' keys,
// which lead with (workspace, day); a theme change finds the days with comments by index seeks.
describe('voice query plans', () => {
  it("the day's comments are read in pages through the day's response rows", async () => {
    const steps = await plan(DAY_COMMENTS);
    expect(steps.some((s) => /^SEARCH m USING PRIMARY KEY \(workspace_id=\? AND day=\? AND type=\?\)/.test(s)), steps.join('\n')).toBe(true);
    expect(steps.some((s) => /^SEARCH e USING PRIMARY KEY \(workspace_id=\? AND message_id=\?\)/.test(s)), steps.join('\n')).toBe(true);
    expect(steps.filter((s) => /^SCAN (e|m|events|event_days)\b/.test(s)), steps.join('\n')).toEqual([]);
  });

  const reads = { ...THEME_SQL, CELL_COUNTS, CELL_QUOTES, CELL_SUMS };
  for (const [name, sql] of Object.entries(reads).filter(([n]) => !['themes', 'stages'].includes(n))) {
    it(`${name} reads a range of days through the table's key`, async () => {
      const steps = await plan(sql);
      expect(steps.some((s) => /^SEARCH \w+ USING (PRIMARY KEY|INDEX sqlite_autoindex_daily_metrics_1) \(workspace_id=\? AND day>\? AND day<\?\)/.test(s)), steps.join('\n')).toBe(true);
      expect(steps.filter((s) => /^SCAN (daily_|q\b)/.test(s)), steps.join('\n')).toEqual([]);
    });
  }

  it('a theme change finds the days with comments one index seek per day', async () => {
    const steps = await plan(COMMENT_DAYS);
    const seeks = steps.filter((s) => /daily_themes/.test(s));
    expect(seeks.length, steps.join('\n')).toBeGreaterThan(1);
    expect(seeks.every((s) => /^SEARCH daily_themes USING PRIMARY KEY \(workspace_id=\?( AND day>\?)?\)/.test(s)), steps.join('\n')).toBe(true);
    expect(steps.filter((s) => /^SCAN daily_themes/.test(s)), steps.join('\n')).toEqual([]);
  });
});

// A day's rollup reads that day's events through its batch rows (a range of event_days' key) and
// each event by the events key, and that day's rollup rows by their key; it never scans a table (which would grow with the workspace's history).
describe('day rollup query plans', () => {
  it('DELETE_STALE_CUSTOMERS reaches the day\'s rows and each customer\'s day by their keys', async () => {
    const steps = await plan(ROLLUP_SQL.DELETE_STALE_CUSTOMERS);
    expect(steps.some((s) => /^SEARCH daily_customers USING PRIMARY KEY \(workspace_id=\? AND day=\?\)/.test(s)), steps.join('\n')).toBe(true);
    expect(steps.some((s) => /^SEARCH cd USING PRIMARY KEY \(workspace_id=\? AND customer_id=\? AND day=\?\)/.test(s)), steps.join('\n')).toBe(true);
    expect(steps.filter((s) => /^SCAN|SEARCH (e|m) /.test(s)), steps.join('\n')).toEqual([]);
  });
  for (const [name, sql] of Object.entries(ROLLUP_SQL).filter(([n]) => n !== 'DELETE_STALE_CUSTOMERS')) {
    it(`${name} reads only the day`, async () => {
      const steps = await plan(sql);
      expect(steps.some((s) => /^SEARCH m USING PRIMARY KEY \(workspace_id=\? AND day=\? AND type=\?/.test(s)), steps.join('\n')).toBe(true);
      expect(steps.some((s) => /^SEARCH e USING PRIMARY KEY \(workspace_id=\? AND message_id=\?\)/.test(s)), steps.join('\n')).toBe(true);
      expect(steps.filter((s) => /^SCAN (e|m|events|event_days|daily_customers|daily_metrics|c|tp)\b/.test(s)), steps.join('\n')).toEqual([]);
    });
  }
});

describe("a day's daily_metrics and voice rows", () => {
  for (const [name, sql] of Object.entries({ ...DAY_METRICS_SQL, ...VOICE_ROW_SQL })) {
    it(`${name} reaches only the day's rows, by the key`, async () => {
      const steps = await plan(sql);
      expect(steps.some((s) => /daily_\w+ USING PRIMARY KEY \(workspace_id=\? AND day=\?/.test(s)), steps.join('\n')).toBe(true);
      expect(steps.filter((s) => /^SCAN daily_/.test(s)), steps.join('\n')).toEqual([]);
    });
  }
});

// Business value by NPS group reads the period's events once, in one ordered pass: joining a
// per-customer CTE of values to one of answers let SQLite scan the first once per row of the
// second (234 s of a 1M-event day's rebuild, `npm run bench`).
describe('business value by NPS group', () => {
  it('reads the period once through the key, with no join of one CTE to another', async () => {
    const steps = await plan(VALUE_SQL.VALUE_BY_NPS_GROUP);
    expect(steps.filter((s) => /^SEARCH m USING PRIMARY KEY \(workspace_id=\? AND day>\? AND day<\?\)/.test(s)), steps.join('\n')).toHaveLength(1);
    expect(steps.filter((s) => /^(MATERIALIZE|SCAN (s|l|spent|latest)\b)/.test(s)), steps.join('\n')).toEqual([]);
  });
});

// The hourly sweep for deliveries whose enqueue was lost reads those only, through a partial
// index, however many deliveries every workspace has made.
describe('stranded deliveries sweep', () => {
  it('reads the deliveries_stranded partial index, with no scan and no sort', async () => {
    const steps = await plan(STRANDED_DELIVERIES);
    expect(steps.some((s) => /deliveries USING (COVERING )?INDEX deliveries_stranded/.test(s)), steps.join('\n')).toBe(true);
    expect(steps.filter((s) => /^SCAN|TEMP B-TREE/.test(s)), steps.join('\n')).toEqual([]);
  });
});

// `events` is keyed by (workspace, messageId), event_days by (workspace, day, type, seq),
// customer_days by (workspace, customer, day), daily_customers by (workspace, day, customer): a
// statement that takes `workspace_id = ?` alone on any of them walks the whole workspace.
describe('events and daily_customers by workspace alone', () => {
  it('no statement the Worker runs walks all of a workspace\'s events or daily_customers through the key', async () => {
    const walks: string[] = [];
    for (const sql of await recordStatements()) {
      if (!/\b(events|events_by_day|event_days|customer_days|daily_customers)\b/.test(sql)) continue;
      const count = Math.max(0, ...[...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1])));
      const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...Array(count).fill(null)).all<{ detail: string }>();
      for (const { detail } of results) if (/^(SCAN (e|s|v|m|cd|events|event_days|customer_days|dc|daily_customers)\b(?! VIRTUAL)|SEARCH (e|p|s|v|m|cd|events|event_days|customer_days|dc|daily_customers) USING PRIMARY KEY \(workspace_id=\?\)$)/.test(detail)) walks.push(`${detail}: ${sql}`);
    }
    expect(walks).toEqual([]);
  });
});

// Every index entry is a row D1 bills on each write, so no index stays that no statement needs:
// each one is in the query plan of a statement the Worker prepares over a workspace's day (its
// events, rollup, reports, cases, keys, webhook, erasure, Segment source, cron sweeps), or it is
// the unique key an ON CONFLICT names. An index nothing uses fails here: drop it.
describe('index use', () => {
  const columns = (list: string) => list.split(',').map((c) => c.trim().replace(/[`"]/g, '')).join(',');
  it('every index of the schema is used by a statement the Worker runs', async () => {
    const statements = await recordStatements();
    expect(statements.size).toBeGreaterThan(80);
    const { results: indexes } = await env.DB.prepare(
      "SELECT name, tbl_name AS tbl, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    ).all<{ name: string; tbl: string; sql: string }>();
    expect(indexes.length).toBeGreaterThan(15);
    const used = new Map<string, string>();
    for (const sql of statements) {
      const numbered = [...sql.matchAll(/\?(\d+)/g)].map((m) => Number(m[1]));
      const count = numbered.length ? Math.max(...numbered) : (sql.match(/\?/g) ?? []).length;
      const steps = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...Array(count).fill(null)).all<{ detail: string }>().then((r) => r.results, () => []);
      for (const { detail } of steps) {
        const m = /USING (?:COVERING )?INDEX (\w+)/.exec(detail);
        if (m) used.set(m[1], sql);
      }
      const conflict = /INSERT INTO (\w+)[\s\S]*ON CONFLICT \(([^)]*)\)/.exec(sql);
      for (const ix of indexes) {
        if (conflict && ix.tbl === conflict[1] && /^CREATE UNIQUE/.test(ix.sql) && columns(/\(([^)]*)\)/.exec(ix.sql)![1]) === columns(conflict[2])) used.set(ix.name, sql);
      }
    }
    expect(indexes.map((ix) => ix.name).filter((name) => !used.has(name))).toEqual([]);
  });
});
