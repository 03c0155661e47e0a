/** Worker entry: HTTP through the Hono app, and the cron (waves, deliveries) through jobs/. */
import { app } from "./app";
import type { Env } from "./env";
import { deliverPending } from "./jobs/deliver";
import { runWaves } from "./jobs/waves";

export type { AppType } from "./app";

/**
 * The hourly cron: open/close waves and create invitations, then send what is pending. Uses the
 * controller's scheduledTime as "now", so a delayed run behaves as the run it stands for.
 */
export async function scheduled(controller: ScheduledController, env: Env): Promise<void> {
  const now = controller.scheduledTime;
  const waves = await runWaves(env, now);
  const delivery = await deliverPending(env, now);
  console.log(JSON.stringify({ level: "info", job: "cron", cron: controller.cron, waves, delivery }));
}

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Env>;
