/** Worker entry: HTTP through the Hono app, and the cron (waves, deliveries) through jobs/. */
import { app } from "./app";
import type { Env } from "./env";
import { pruneAuthTables } from "./auth/housekeeping";
import { runWebhookDeliveries } from "./jobs/webhooks";

export type { AppType } from "./app";

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(Promise.all([runWebhookDeliveries(env, controller.scheduledTime), pruneAuthTables(env, controller.scheduledTime)]));
  },
} satisfies ExportedHandler<Env>;
