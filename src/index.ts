import { createApp } from './app.ts';
import type { Env, IngestMessage } from './env.ts';
import { guardEnv } from './platform/d1.ts';
import { scheduledDrains } from './jobs/cron.ts';
import { drainAfterIngest } from './jobs/drain.ts';
import { forgetOldErasures } from './ingest/erasure.ts';
import { handleIngestBatch, INGEST_QUEUE, keepDeadLetters } from './ingest/queue.ts';
import { enqueueDeliveries, handleDeliveries, resendStrandedDeliveries, WEBHOOK_QUEUE, type DeliveryMessage } from './loop/webhooks.ts';
import { escalateOverdue } from './loop/escalation.ts';

export { RollupWorkflow } from './jobs/rollup-workflow.ts';

const app = createApp();

// Each entry point wraps D1 once (guardEnv): everything below it sees only the guarded env.DB.
export default {
  fetch: (request: Request, env: Env, ctx: ExecutionContext) => app.fetch(request, guardEnv(env), ctx),
  async scheduled(controller, rawEnv) {
    const env = guardEnv(rawEnv);
    await resendStrandedDeliveries(env, controller.scheduledTime);
    const { deliveries } = await escalateOverdue(env.DB, controller.scheduledTime);
    await enqueueDeliveries(env.WEBHOOKS, deliveries);
    await forgetOldErasures(env.DB, controller.scheduledTime);
    await scheduledDrains(env, env.DB, controller.scheduledTime);
  },
  async queue(batch, rawEnv) {
    const env = guardEnv(rawEnv);
    if (batch.queue === INGEST_QUEUE) {
      return handleIngestBatch(batch as MessageBatch<IngestMessage>, env, (ws) => drainAfterIngest(env, env.DB, ws));
    }
    if (batch.queue === `${INGEST_QUEUE}-dlq`) return keepDeadLetters(batch as MessageBatch<IngestMessage>, env);
    if (batch.queue === WEBHOOK_QUEUE || batch.queue === `${WEBHOOK_QUEUE}-dlq`) {
      return handleDeliveries(batch as MessageBatch<DeliveryMessage>, env, env.DB);
    }
    // A queue bound in wrangler.toml but unknown here: fail loudly (its messages are retried).
    throw new Error(`no consumer for queue ${batch.queue}`);
  },
} satisfies ExportedHandler<Env>;
