import { createApp } from './app';
import type { Env } from './env';
import { scheduledRollup } from './services/cron';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env) {
    await scheduledRollup(env, controller.scheduledTime);
  },
} satisfies ExportedHandler<Env>;
