// Realistic mixed events: the project's own demo generator (scripts/demo-data.mjs: Tienda
// Aurora's customers, touchpoints, surveys, tickets, lifecycle), 30 days of activity. The
// CRM-import day before the window (one identify + one lifecycle per member) is set apart:
// it is history, not a day's traffic.
import { STAGES, TOUCHPOINTS, DEMO_WORKSPACE, demoEvents, demoRange } from '../scripts/demo-data.mjs';
import { addDays, localDay } from './rows.mjs';

export const TIMEZONE = DEMO_WORKSPACE.timezone;
const DAYS = 30;

/** { activity: events of the window in time order, profiles: customerId → import identify } */
export function eventPool(tz = TIMEZONE) {
  const endDay = addDays(localDay(Date.now(), tz), -1);
  const { firstDay } = demoRange({ days: DAYS, endDay });
  const activity = [];
  const profiles = new Map();
  for (const e of demoEvents({ days: DAYS, endDay, timezone: tz })) {
    if (e.timestamp.slice(0, 10) >= firstDay) activity.push(e);
    else if (e.type === 'identify') profiles.set(e.customerId, e);
  }
  return { activity, profiles };
}

/**
 * Request bodies with fresh messageIds at almost no client cost: each event is serialized
 * once around a placeholder id, so a body is string concatenation (the client shares the
 * two cores with workerd, and JSON.stringify of 1,000 events per request would show).
 */
export function bodyMaker(activity, tag) {
  const parts = activity.map((e) => {
    const s = JSON.stringify({ ...e, messageId: '\u0001' });
    const at = s.indexOf('"\\u0001"');
    return [s.slice(0, at + 1), s.slice(at + 7)];
  });
  let n = 0;
  return (size) => {
    const items = [];
    for (let i = 0; i < size; i++, n++) {
      const [a, b] = parts[n % parts.length];
      items.push(`${a}${tag}-${n}${b}`);
    }
    return `{"batch":[${items.join(',')}]}`;
  };
}

/** Creates a workspace through the API (operator token) with the demo's stages and touchpoints. */
export async function createWorkspace(rt, adminToken, name, tz = TIMEZONE) {
  const res = await rt.api('POST', '/v1/workspaces', { key: adminToken, body: { name, timezone: tz } });
  if (res.status !== 201) throw new Error(`POST /v1/workspaces: ${res.status} ${res.text.slice(0, 300)}`);
  const ws = res.json;
  for (const { key, ...body } of STAGES) {
    const r = await rt.api('PUT', `/v1/stages/${key}`, { key: ws.keys.admin, body });
    if (r.status !== 200) throw new Error(`PUT /v1/stages/${key}: ${r.status} ${r.text.slice(0, 300)}`);
  }
  for (const { key, ...body } of TOUCHPOINTS) {
    const r = await rt.api('PUT', `/v1/touchpoints/${key}`, { key: ws.keys.admin, body });
    if (r.status !== 200) throw new Error(`PUT /v1/touchpoints/${key}: ${r.status} ${r.text.slice(0, 300)}`);
  }
  return ws;
}
