/**
 * The admin page's table sort (web/admin/src/sort.ts), on hand-made rows whose expected orders
 * are written out: numbers by value, dates by time, text by the collator of the interface
 * language, empty cells last in both directions, ties in their original order.
 */
import { describe, expect, it } from "vitest";
import { formatSort, nextSort, parseSort, sortRows, type SortValue } from "../../web/admin/src/sort";

interface Row {
  id: string;
  n: number | null;
  name: string | null;
  at: string | null;
}
const rows: Row[] = [
  { id: "a", n: 10, name: "Zoé", at: "2026-03-01T00:00:00Z" },
  { id: "b", n: 9, name: "émile", at: null },
  { id: "c", n: null, name: "Eve", at: "2025-12-31T23:00:00Z" },
  { id: "d", n: 100, name: "", at: "2026-01-15T00:00:00Z" },
  { id: "e", n: -2, name: "adam", at: "2026-03-01T00:00:00Z" },
];
const get = (r: Row, f: string): SortValue => (f === "at" ? (r.at ? new Date(r.at) : null) : r[f as "n" | "name"]);
const ids = (list: Row[]) => list.map((r) => r.id).join("");

describe("sortRows", () => {
  it("sorts numbers by value, not as text (9 < 10 < 100), the empty one last", () => {
    expect(ids(sortRows(rows, { field: "n", dir: "asc" }, get))).toBe("ebadc");
  });
  it("reverses numbers and still puts the empty one last", () => {
    expect(ids(sortRows(rows, { field: "n", dir: "desc" }, get))).toBe("dabec");
  });
  it("sorts dates chronologically; equal dates keep their order in both directions; no date last", () => {
    expect(ids(sortRows(rows, { field: "at", dir: "asc" }, get))).toBe("cdaeb");
    expect(ids(sortRows(rows, { field: "at", dir: "desc" }, get))).toBe("aedcb");
  });
  it("sorts text with the collator: case and accents do not push a name to the end; an empty name last", () => {
    // Code-point order would give "Eve, Zoé, adam, émile"; a reader expects adam, émile, Eve, Zoé.
    expect(ids(sortRows(rows, { field: "name", dir: "asc" }, get, "fr"))).toBe("ebca" + "d");
    expect(ids(sortRows(rows, { field: "name", dir: "desc" }, get, "fr"))).toBe("acbe" + "d");
  });
  it("compares digits inside text by value (Wave 9 before Wave 10)", () => {
    const waves = [{ p: "Wave 10" }, { p: "Wave 9" }, { p: "Wave 1" }];
    expect(sortRows(waves, { field: "p", dir: "asc" }, (w) => w.p, "en").map((w) => w.p)).toEqual(["Wave 1", "Wave 9", "Wave 10"]);
  });
  it("treats NaN and an invalid date as empty", () => {
    const odd = [{ v: Number.NaN }, { v: 3 }, { v: 1 }];
    expect(sortRows(odd, { field: "v", dir: "desc" }, (r) => r.v).map((r) => r.v)).toEqual([3, 1, Number.NaN]);
    const days = [{ d: new Date("nope") }, { d: new Date("2026-01-01") }];
    expect(sortRows(days, { field: "d", dir: "asc" }, (r) => r.d)[0]!.d.getUTCFullYear()).toBe(2026);
  });
  it("leaves the input alone and returns the rows as they came without a sort", () => {
    const before = ids(rows);
    expect(ids(sortRows(rows, null, get))).toBe(before);
    sortRows(rows, { field: "n", dir: "desc" }, get);
    expect(ids(rows)).toBe(before);
  });
});

describe("the sort in the URL", () => {
  const fields = ["name", "rate"];
  it("reads `field` as ascending and `-field` as descending, and writes them back", () => {
    expect(parseSort("rate", fields)).toEqual({ field: "rate", dir: "asc" });
    expect(parseSort("-rate", fields)).toEqual({ field: "rate", dir: "desc" });
    expect(formatSort({ field: "rate", dir: "desc" })).toBe("-rate");
    expect(formatSort(null)).toBeNull();
  });
  it("ignores a field the table does not have", () => {
    expect(parseSort("-secret", fields)).toBeNull();
    expect(parseSort("", fields)).toBeNull();
    expect(parseSort("-", fields)).toBeNull();
  });
  it("a click sorts ascending, a second click reverses, another column starts ascending", () => {
    const first = nextSort(null, "name");
    expect(first).toEqual({ field: "name", dir: "asc" });
    const second = nextSort(first, "name");
    expect(second).toEqual({ field: "name", dir: "desc" });
    expect(nextSort(second, "name")).toEqual({ field: "name", dir: "asc" });
    expect(nextSort(second, "rate")).toEqual({ field: "rate", dir: "asc" });
  });
});
