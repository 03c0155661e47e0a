/**
 * Sorting a table that is wholly on the page (the server sorts paginated lists itself: a page
 * sorted on its own would lie). Pure: no DOM, no router; the locale comes in as an argument.
 */

export type SortDir = "asc" | "desc";
export interface Sort {
  field: string;
  dir: SortDir;
}

/** What a column sorts on: numbers numerically, dates chronologically, text by the collator. */
export type SortValue = number | string | Date | boolean | null | undefined;

/** Empty: null, undefined, "", NaN, an invalid date. Always after every value, in both directions. */
const isEmpty = (v: SortValue): v is null | undefined =>
  v === null ||
  v === undefined ||
  (typeof v === "string" && v.trim() === "") ||
  (typeof v === "number" && Number.isNaN(v)) ||
  (v instanceof Date && Number.isNaN(v.getTime()));

const rank = (v: Exclude<SortValue, null | undefined>): number | string => (v instanceof Date ? v.getTime() : typeof v === "boolean" ? Number(v) : v);

/**
 * `rows` sorted by `accessor(row, sort.field)` (a new array; `rows` untouched). Ties keep the
 * order the rows came in, in both directions (the sort is stable and only the comparison flips).
 * Text compares with `Intl.Collator` in `locale` (accents and case as a reader expects, digits
 * by value: "Wave 9" before "Wave 10"). No sort: the rows as they came.
 */
export function sortRows<T>(rows: readonly T[], sort: Sort | null, accessor: (row: T, field: string) => SortValue, locale = "en"): T[] {
  if (!sort) return [...rows];
  const collator = new Intl.Collator(locale, { numeric: true, sensitivity: "base" });
  const sign = sort.dir === "desc" ? -1 : 1;
  const keyed = rows.map((row) => ({ row, v: accessor(row, sort.field) }));
  keyed.sort((a, b) => {
    const ea = isEmpty(a.v);
    const eb = isEmpty(b.v);
    if (ea || eb) return ea && eb ? 0 : ea ? 1 : -1;
    const x = rank(a.v as Exclude<SortValue, null | undefined>);
    const y = rank(b.v as Exclude<SortValue, null | undefined>);
    const c = typeof x === "number" && typeof y === "number" ? x - y : collator.compare(String(x), String(y));
    return sign * Math.sign(c);
  });
  return keyed.map((k) => k.row);
}

/** `name` → ascending, `-name` → descending; anything outside `fields` → null (a stale link sorts nothing). */
export function parseSort(value: string | null | undefined, fields: readonly string[]): Sort | null {
  if (!value) return null;
  const desc = value.startsWith("-");
  const field = desc ? value.slice(1) : value;
  return fields.includes(field) ? { field, dir: desc ? "desc" : "asc" } : null;
}

export const formatSort = (sort: Sort | null): string | null => (sort ? (sort.dir === "desc" ? "-" : "") + sort.field : null);

/** A click on `field`: ascending first, then the reverse, and so on; another column starts ascending. */
export const nextSort = (sort: Sort | null, field: string): Sort =>
  sort?.field === field ? { field, dir: sort.dir === "asc" ? "desc" : "asc" } : { field, dir: "asc" };
