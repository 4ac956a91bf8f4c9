import { and, asc, eq, notExists, sql } from 'drizzle-orm';
import type { Database } from '../platform/d1.ts';
import { stages, touchpoints } from '../db/schema.ts';
import { ApiError, invalid } from '../platform/problem.ts';

export type StageInput = { name: string; position: number };
export type TouchpointInput = Omit<typeof touchpoints.$inferInsert, 'workspaceId' | 'key' | 'updatedAt'>;

const stageOut = (s: typeof stages.$inferSelect) => ({ key: s.key, name: s.name, position: s.position });
const touchpointOut = (t: typeof touchpoints.$inferSelect) => ({
  key: t.key,
  name: t.name,
  stage: t.stage,
  channel: t.channel,
  intentional: t.intentional,
  owner: t.owner,
  critical: t.critical,
});
export type Stage = ReturnType<typeof stageOut>;
export type Touchpoint = ReturnType<typeof touchpointOut>;

export async function putStage(db: Database, workspaceId: string, key: string, input: StageInput): Promise<Stage> {
  const row = { workspaceId, key, ...input, updatedAt: Date.now() };
  const [saved] = await db
    .insert(stages)
    .values(row)
    .onConflictDoUpdate({ target: [stages.workspaceId, stages.key], set: { name: row.name, position: row.position, updatedAt: row.updatedAt } })
    .returning();
  return stageOut(saved);
}

export async function listStages(db: Database, workspaceId: string): Promise<Stage[]> {
  const rows = await db.select().from(stages).where(eq(stages.workspaceId, workspaceId)).orderBy(asc(stages.position), asc(stages.key));
  return rows.map(stageOut);
}

/** Deletes a stage; 409 while touchpoints still sit in it, so the inventory never points nowhere. */
export async function deleteStage(db: Database, workspaceId: string, key: string): Promise<boolean> {
  const inStage = and(eq(touchpoints.workspaceId, workspaceId), eq(touchpoints.stage, key));
  // One statement, so that a touchpoint put into the stage meanwhile cannot be left pointing nowhere.
  const gone = await db
    .delete(stages)
    .where(and(eq(stages.workspaceId, workspaceId), eq(stages.key, key), notExists(db.select({ k: touchpoints.key }).from(touchpoints).where(inStage))))
    .returning({ key: stages.key });
  if (gone.length) return true;
  const users = await db.select({ key: touchpoints.key }).from(touchpoints).where(inStage).limit(5);
  if (users.length) {
    throw new ApiError(409, 'stage-in-use', `Stage \`${key}\` still has touchpoints (${users.map((u) => u.key).join(', ')}); move or delete them first.`);
  }
  return false;
}

type TouchpointRow = { key: string; name: string; stage: string; channel: Touchpoint['channel']; intentional: number; owner: string; critical: number };

export async function putTouchpoint(db: Database, workspaceId: string, key: string, input: TouchpointInput): Promise<Touchpoint> {
  // Inserts only while the stage exists, in one statement, so a concurrent stage delete cannot
  // slip between the check and the write.
  const saved = await db.get<TouchpointRow | undefined>(sql`
    INSERT INTO touchpoints (workspace_id, "key", name, stage, channel, intentional, owner, critical, updated_at)
    SELECT ${workspaceId}, ${key}, ${input.name}, ${input.stage}, ${input.channel}, ${input.intentional ? 1 : 0}, ${input.owner}, ${input.critical ? 1 : 0}, ${Date.now()}
    WHERE EXISTS (SELECT 1 FROM stages WHERE workspace_id = ${workspaceId} AND "key" = ${input.stage})
    ON CONFLICT (workspace_id, "key") DO UPDATE SET name = excluded.name, stage = excluded.stage, channel = excluded.channel,
      intentional = excluded.intentional, owner = excluded.owner, critical = excluded.critical, updated_at = excluded.updated_at
    RETURNING "key", name, stage, channel, intentional, owner, critical`);
  if (!saved) throw invalid([{ path: 'stage', message: `unknown stage \`${input.stage}\`: create it with PUT /v1/stages/${input.stage}` }]);
  return { ...saved, intentional: saved.intentional === 1, critical: saved.critical === 1 };
}

export async function listTouchpoints(db: Database, workspaceId: string): Promise<Touchpoint[]> {
  const rows = await db.select().from(touchpoints).where(eq(touchpoints.workspaceId, workspaceId)).orderBy(asc(touchpoints.key));
  return rows.map(touchpointOut);
}

export async function deleteTouchpoint(db: Database, workspaceId: string, key: string): Promise<boolean> {
  const gone = await db
    .delete(touchpoints)
    .where(and(eq(touchpoints.workspaceId, workspaceId), eq(touchpoints.key, key)))
    .returning({ key: touchpoints.key });
  return gone.length > 0;
}

export type InventoryTouchpoint = { key: string; name: string; stage: string; channel: string; owner: string; intentional: boolean; critical: boolean };
export type InventoryStage = { key: string; name: string; position: number };

/** The configured stages and touchpoints, as the journey, priorities, themes and empathy reports need them. */
export async function loadInventory(d1: D1Database, ws: string) {
  const [stages, touchpoints] = await Promise.all([
    d1.prepare('SELECT "key", name, position FROM stages WHERE workspace_id = ?1').bind(ws).all<InventoryStage>(),
    d1
      .prepare('SELECT "key", name, stage, channel, owner, intentional, critical FROM touchpoints WHERE workspace_id = ?1 ORDER BY "key"')
      .bind(ws)
      .all<Omit<InventoryTouchpoint, 'intentional' | 'critical'> & { intentional: number; critical: number }>(),
  ]);
  return {
    stages: stages.results,
    touchpoints: touchpoints.results.map((t) => ({ ...t, intentional: !!t.intentional, critical: !!t.critical })),
  };
}
