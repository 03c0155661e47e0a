/** Calendar months as `YYYY-MM` strings (pure: the digest page and its tests). */

/** `ym` moved by `by` months (negative: back), across years. */
export function shiftMonth(ym: string, by: number): string {
  const [y, m] = ym.split("-").map(Number) as [number, number];
  const i = y * 12 + (m - 1) + by;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, "0")}`;
}
