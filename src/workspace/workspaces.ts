import type { Database } from '../platform/d1.ts';
import { apiKeys, workspaces } from '../db/schema.ts';
import { randomId } from '../platform/crypto.ts';
import { createKey } from './keys.ts';
import { SCOPES } from '../env.ts';

export type Workspace = typeof workspaces.$inferSelect;

/** The money of interactions' `value` when the operator names none (the seeds' shops are in Spain). */
export const DEFAULT_CURRENCY = 'EUR';

/** Creates a workspace with one key of each scope, atomically. */
export async function createWorkspace(db: Database, name: string, timezone: string, currency = DEFAULT_CURRENCY) {
  const ws: Workspace = { id: `ws_${randomId(8)}`, name, timezone, defaultOwner: null, currency, createdAt: Date.now() };
  const made = await Promise.all(SCOPES.map((s) => createKey(ws.id, s)));
  await db.batch([db.insert(workspaces).values(ws), db.insert(apiKeys).values(made.map((m) => m.row))]);
  const keys = Object.fromEntries(made.map((m) => [m.row.scope, m.key])) as Record<'ingest' | 'read' | 'admin', string>;
  return { id: ws.id, name: ws.name, timezone: ws.timezone, currency: ws.currency, keys };
}
