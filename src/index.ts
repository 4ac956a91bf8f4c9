import { createApp } from './app';
import type { Env } from './env';
import { guardD1 } from './db/client';
import { scheduledRollup } from './services/cron';
import { handleDeliveries, resendStrandedDeliveries, type DeliveryMessage } from './services/webhooks';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    await resendStrandedDeliveries(env, controller.scheduledTime);
    await scheduledRollup(env, controller.scheduledTime);
  },
  async queue(batch, env) {
    await handleDeliveries(batch as MessageBatch<DeliveryMessage>, env, guardD1(env.DB));
  },
} satisfies ExportedHandler<Env>;
