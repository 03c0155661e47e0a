import { localDate } from "../metrics/buckets";
import type { Env } from "../env";

/** The workspace time zone every bucket is keyed in (`TIMEZONE` in wrangler.toml; UTC when unset). */
export const workspaceTz = (env: Pick<Env, "TIMEZONE">): string => env.TIMEZONE || "UTC";

/** Today's date (YYYY-MM-DD) in the workspace zone. */
export const workspaceToday = (env: Pick<Env, "TIMEZONE">): string => localDate(Date.now(), workspaceTz(env));
