import { createApp } from './app';
import type { Env } from './env';
import { guardD1 } from './db/client';
import { scheduledRollup } from './services/cron';
import { forgetOldErasures } from './services/erasure';
import { handleIngestBatch, INGEST_QUEUE, keepDeadLetters, type IngestMessage } from './services/ingest-queue';
import { handleDeliveries, resendStrandedDeliveries, type DeliveryMessage } from './services/webhooks';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    await resendStrandedDeliveries(env, controller.scheduledTime);
    await forgetOldErasures(env.DB, controller.scheduledTime);
    await scheduledRollup(env, controller.scheduledTime);
  },
  async queue(batch, env) {
    if (batch.queue === INGEST_QUEUE) return handleIngestBatch(batch as MessageBatch<IngestMessage>, env);
    if (batch.queue === `${INGEST_QUEUE}-dlq`) return keepDeadLetters(batch as MessageBatch<IngestMessage>, env);
    await handleDeliveries(batch as MessageBatch<DeliveryMessage>, env, guardD1(env.DB));
  },
} satisfies ExportedHandler<Env>;
