/**
 * Calendar buckets (month, quarter, half-year) in an IANA time zone. A bucket is named by the
 * local date it starts on (`2026-07-01`), which sorts and compares as text.
 */
export const INTERVALS = ["month", "quarter", "half"] as const;
export type Interval = (typeof INTERVALS)[number];

const MONTHS_PER: Record<Interval, number> = { month: 1, quarter: 3, half: 6 };

/**
 * Zones whose formatter and last parts are kept. A workspace uses one zone and its users a few
 * more (`?tz=`), but a zone is any name Intl accepts, in any spelling (`eUrope/paris`), and each
 * formatter costs about 28 kB: without a bound, requests naming new spellings grew the isolate
 * until it ran out of memory. Past the bound the oldest zone is dropped (rebuilt if asked again).
 */
export const MAX_CACHED_ZONES = 64;

/** Keeps `map` under MAX_CACHED_ZONES before a new zone is added (a Map iterates oldest first). */
function makeRoom(map: Map<string, unknown>): void {
  while (map.size >= MAX_CACHED_ZONES) map.delete(map.keys().next().value!);
}

/** How many zones are cached now (for the test of the bound). */
export const cachedZoneCount = () => Math.max(formatters.size, lastParts.size);

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    makeRoom(formatters);
    formatters.set(tz, f);
  }
  return f;
}

/** True when `tz` is an IANA zone this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * The last instant's parts per zone, keyed by its whole second: the formatter has no finer field,
 * so every instant of one second has the same parts. The answer path formats "now" per answer;
 * under load most answers share their second (formatToParts was 4 % of the isolate's CPU,
 * bench/profile.mjs).
 */
const lastParts = new Map<string, { second: number; parts: Readonly<LocalParts> }>();

export function localParts(instantMs: number, tz: string): Readonly<LocalParts> {
  const second = Math.floor(instantMs / 1000);
  const hit = lastParts.get(tz);
  if (hit && hit.second === second) return hit.parts;
  const parts = Object.freeze(formatParts(instantMs, tz));
  if (!hit) makeRoom(lastParts);
  lastParts.set(tz, { second, parts });
  return parts;
}

function formatParts(instantMs: number, tz: string): LocalParts {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(instantMs))) {
    if (p.type !== "literal") parts[p.type] = Number(p.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
export const isoDate = (y: number, m: number, d: number) => `${pad(y, 4)}-${pad(m)}-${pad(d)}`;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parses `YYYY-MM-DD` into numbers, rejecting impossible dates (2026-02-30). */
export function parseIsoDate(s: string): { year: number; month: number; day: number } | null {
  const m = ISO_DATE.exec(s);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return null;
  }
  return { year, month, day };
}

/** The local date of an instant in `tz`, as `YYYY-MM-DD`. */
export function localDate(instantMs: number, tz: string): string {
  const p = localParts(instantMs, tz);
  return isoDate(p.year, p.month, p.day);
}

/** First month (1-based) of the bucket that month `m` falls in. */
const bucketFirstMonth = (m: number, interval: Interval) => Math.floor((m - 1) / MONTHS_PER[interval]) * MONTHS_PER[interval] + 1;

/** Start of the bucket containing local date `date` (`YYYY-MM-DD`). */
export function bucketOfDate(date: string, interval: Interval): string {
  const d = parseIsoDate(date);
  if (!d) throw new RangeError(`not an ISO date: ${date}`);
  return isoDate(d.year, bucketFirstMonth(d.month, interval), 1);
}

/** Start of the bucket an instant falls in, in `tz`. */
export function bucketOf(instantMs: number, interval: Interval, tz: string): string {
  const p = localParts(instantMs, tz);
  return isoDate(p.year, bucketFirstMonth(p.month, interval), 1);
}

/** The bucket after `bucket`. */
export function nextBucket(bucket: string, interval: Interval): string {
  const d = parseIsoDate(bucket);
  if (!d) throw new RangeError(`not an ISO date: ${bucket}`);
  const months = d.month - 1 + MONTHS_PER[interval];
  return isoDate(d.year + Math.floor(months / 12), (months % 12) + 1, 1);
}

/** The bucket before `bucket`. */
export function previousBucket(bucket: string, interval: Interval): string {
  const d = parseIsoDate(bucket);
  if (!d) throw new RangeError(`not an ISO date: ${bucket}`);
  const months = d.month - 1 - MONTHS_PER[interval];
  const year = d.year + Math.floor(months / 12);
  return isoDate(year, (((months % 12) + 12) % 12) + 1, 1);
}

/**
 * Every bucket that overlaps the local dates [from, to): from the bucket containing `from` up to
 * the last bucket starting before `to`. Empty buckets are listed too (the trend is zero-filled).
 * `limit` caps the list, so a caller can tell "too many" without building thousands of buckets.
 */
export function bucketsBetween(from: string, to: string, interval: Interval, limit = Infinity): string[] {
  const out: string[] = [];
  // Ends with year 9999: the next bucket, "10000-01-01", is no ISO date and sorts before "9999-…" as text.
  for (let b = bucketOfDate(from, interval); b < to && b.length === 10 && out.length < limit; b = nextBucket(b, interval)) out.push(b);
  return out;
}

/** Human name of a bucket: `2026-07`, `2026-Q3`, `2026-H2`. */
export function bucketLabel(bucket: string, interval: Interval): string {
  const d = parseIsoDate(bucket);
  if (!d) throw new RangeError(`not an ISO date: ${bucket}`);
  if (interval === "month") return `${d.year}-${pad(d.month)}`;
  if (interval === "quarter") return `${d.year}-Q${Math.floor((d.month - 1) / 3) + 1}`;
  return `${d.year}-H${d.month <= 6 ? 1 : 2}`;
}

/** Offset of `tz` from UTC at an instant, in milliseconds (Paris in winter: +3 600 000). */
export function tzOffsetMs(instantMs: number, tz: string): number {
  const p = localParts(instantMs, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/** The instant local midnight of `date` happens in `tz` (the first instant of that local day). */
export function zonedMidnightUtc(date: string, tz: string): number {
  const d = parseIsoDate(date);
  if (!d) throw new RangeError(`not an ISO date: ${date}`);
  const guess = Date.UTC(d.year, d.month - 1, d.day);
  let t = guess - tzOffsetMs(guess, tz);
  // The offset at the guess may differ from the offset at the answer (a DST change that day).
  const second = guess - tzOffsetMs(t, tz);
  if (second !== t && localDate(second, tz) === date) t = Math.min(t, second);
  // Midnight may not exist (a zone that skips it): the day then starts at the first instant of it.
  // The walk stops at the first local date past `date` too: a zone may skip a whole day (Samoa
  // crossed the date line after 29 December 2011), and looking for that day never ended.
  while (localDate(t, tz) < date) t += QUARTER_HOUR;
  if (localDate(t, tz) !== date) return firstInstantFrom(date, t - QUARTER_HOUR, t, tz);
  while (localDate(t - QUARTER_HOUR, tz) === date) t -= QUARTER_HOUR;
  return t;
}

const QUARTER_HOUR = 15 * 60 * 1000;

/**
 * A day the zone skipped "starts" where the next day that happens does: the first instant whose
 * local date is past it, to the second, between `before` (still earlier) and `after` (past it).
 */
function firstInstantFrom(date: string, before: number, after: number, tz: string): number {
  let [lo, hi] = [before, after];
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (localDate(mid, tz) < date) lo = mid;
    else hi = mid;
  }
  return hi;
}
