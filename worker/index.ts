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
  // Waves first, so this run already sends the invitations it creates. One job failing must not
  // starve the other; the run still fails afterwards so it shows, and the next run catches up.
  const errors: unknown[] = [];
  const attempt = async <T>(job: () => Promise<T>) => {
    try {
      return await job();
    } catch (e) {
      errors.push(e);
      return String(e);
    }
  };
  const waves = await attempt(() => runWaves(env, now));
  const delivery = await attempt(() => deliverPending(env, now));
  console.log(JSON.stringify({ level: errors.length ? "error" : "info", job: "cron", cron: controller.cron, waves, delivery }));
  if (errors.length > 0) throw errors[0];
}

export default {
  fetch: app.fetch,
  scheduled,
} satisfies ExportedHandler<Env>;
