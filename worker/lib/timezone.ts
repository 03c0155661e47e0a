import { isValidTimeZone, localDate } from "../metrics/buckets";
import type { Env } from "../env";

/** The last TIMEZONE found invalid, so the error is logged once per isolate, not per request. */
let reported: string | undefined;

/**
 * The workspace time zone every bucket is keyed in (`TIMEZONE` in wrangler.toml; UTC when unset).
 * A value that is no IANA zone (a typo: "Europe/Pari") makes Intl throw, which failed every answer
 * and every dashboard request with a 500: the Worker works in UTC instead, says so (every response
 * that has a `timeZone` names UTC) and logs the setting. Correcting it is a change of zone like any
 * other: the rollups are rebuilt into it (worker/jobs/rebucket.ts).
 */
export const workspaceTz = (env: { TIMEZONE?: string }): string => {
  const tz = env.TIMEZONE || "UTC";
  if (isValidTimeZone(tz)) return tz;
  if (reported !== tz) {
    reported = tz;
    console.error(JSON.stringify({ level: "error", msg: "TIMEZONE is not an IANA time zone; working in UTC", TIMEZONE: tz }));
  }
  return "UTC";
};

/** Today's date (YYYY-MM-DD) in the workspace zone. */
export const workspaceToday = (env: Pick<Env, "TIMEZONE">): string => localDate(Date.now(), workspaceTz(env));
