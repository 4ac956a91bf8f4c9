// The drain as a Workflow: durable steps, each bounded (a few days, one cascade budget or one
// lifecycle pass), retried on failure, resumed where it stopped if the instance dies. Steps are
// idempotent (a day's rollup replaces its rows; marks clear only if unchanged), so a retried or
// replayed step changes nothing.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import { guardEnv } from '../platform/d1.ts';
import { drainStep } from '../rollup/drain.ts';
import { abandonDrain, closeDrain, ensureDrain, heartbeat, publish, type DrainParams } from './drain.ts';
import { failRuns, startRuns } from './runs.ts';

const RETRY: WorkflowStepConfig = { retries: { limit: 5, delay: '2 seconds', backoff: 'exponential' }, timeout: '5 minutes' };
/** Steps per round before the reports are rebuilt anyway (an instance holds at most 1,024 steps on the Free plan, 10,000 on Paid). */
const STEPS_PER_ROUND = 200;
const ROUNDS = 4;

export class RollupWorkflow extends WorkflowEntrypoint<Env, DrainParams> {
  async run(event: Readonly<WorkflowEvent<DrainParams>>, step: WorkflowStep) {
    const { ws, settleSeconds } = event.payload;
    const env = guardEnv(this.env);
    const d1 = env.DB;
    if (settleSeconds) await step.sleep('settle', `${settleSeconds} seconds`);
    const tz = await step.do('workspace', async () => {
      const row = await d1.prepare('SELECT timezone FROM workspaces WHERE id = ?1').bind(ws).first<{ timezone: string }>();
      return row?.timezone ?? null;
    });
    if (tz === null) return { rounds: 0, days: 0 }; // the workspace is gone
    let days = 0;
    try {
      for (let round = 1; round <= ROUNDS; round++) {
        await step.do(`round ${round}: start runs`, RETRY, async () => void (await startRuns(d1, ws, Date.now())));
        let changed = false;
        for (let i = 1; i <= STEPS_PER_ROUND; i++) {
          const r = await step.do(`round ${round}: step ${i}`, RETRY, async () => {
            await heartbeat(d1, ws, Date.now());
            return drainStep(d1, ws, tz, Date.now());
          });
          days += r.rolledUp.length;
          changed ||= r.rolledUp.length > 0 || r.lifecycleDays > 0;
          if (r.done) break;
        }
        await step.do(`round ${round}: reports`, RETRY, () => publish(env, d1, ws, tz, Date.now(), changed));
        if (await step.do(`round ${round}: close`, RETRY, () => closeDrain(d1, ws, tz, Date.now()))) return { rounds: round, days };
      }
      // Work keeps arriving: hand over to a fresh instance rather than grow this one's history.
      await step.do('hand over', RETRY, async () => {
        await abandonDrain(d1, ws);
        return ensureDrain(env, d1, ws, Date.now());
      });
      return { rounds: ROUNDS, days };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await step.do('give up', async () => {
        await failRuns(d1, ws, Date.now(), message);
        await abandonDrain(d1, ws);
      });
      throw err;
    }
  }
}
