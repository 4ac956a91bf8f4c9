// The `events` row an event becomes, column by column, exactly as the Worker stores it: its own
// toRow and column list (src/ingest/store.ts, imported as TypeScript: Node 24 strips the types,
// esbuild bundles it for the baseline Worker). Shared by the baseline Worker (so that it inserts
// exactly the rows Trayecto inserts) and the bulk loaders (so that loaded rows look ingested).
import { EVENT_COLUMNS, toRow } from '../src/ingest/store.ts';

export { addDays, dayStart, localDay } from '../src/platform/time.ts';

export const COLUMNS = EVENT_COLUMNS.map(([column]) => column);

/** Column values (in COLUMNS order) of one event stored at `ts` on local `day`. */
export function rowValues(e, ws, ts, day, receivedAt) {
  const row = { ...toRow({ ...e, timestamp: new Date(ts).toISOString() }, 'UTC', receivedAt), d: day };
  const bound = { '?1': ws, '?3': receivedAt };
  return EVENT_COLUMNS.map(([, src]) => (src in bound ? bound[src] : (row[src] ?? null)));
}
