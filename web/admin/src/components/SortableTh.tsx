/**
 * A sortable column header: a real `<button>` inside the `<th>` (so Tab and Enter/Space sort),
 * the arrow drawn for sighted users and `aria-sort` for screen readers, on the sorted column only.
 * `useSort` keeps the order in the URL query, so a link, a reload or Back finds the table as it was.
 */
import type { ComponentChildren } from "preact";
import { setQuery, useRoute } from "../router";
import { formatSort, nextSort, parseSort, type Sort } from "../sort";

export function SortableTh({
  label,
  field,
  sort,
  onSort,
  class: cls,
}: {
  label: ComponentChildren;
  field: string;
  sort: Sort | null;
  onSort: (field: string) => void;
  /** Extra classes for the `<th>` (`num` right-aligns a column of figures). */
  class?: string;
}) {
  const dir = sort?.field === field ? sort.dir : null;
  return (
    <th scope="col" class={"sortable " + (cls ?? "")} aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : undefined}>
      <button type="button" class="sort-btn" data-sort={field} onClick={() => onSort(field)}>
        {label}
        <span class={"sort-arrow" + (dir ? " on" : "")} aria-hidden="true">
          {dir === "asc" ? "▲" : dir === "desc" ? "▼" : "↕"}
        </span>
      </button>
    </th>
  );
}

/**
 * The sort of one table, read from the query parameter `param` (`field` ascending, `-field`
 * descending; see sort.ts). Fields outside `fields` are ignored, so a stale or hand-edited link
 * shows `fallback` rather than failing. A click replaces the history entry: Back leaves the page
 * instead of stepping through every click, and returning brings the order back with the URL.
 */
export function useSort(
  param: string,
  fields: readonly string[],
  opts: { fallback?: Sort | null } = {},
): { sort: Sort | null; onSort: (field: string) => void } {
  const route = useRoute();
  const sort = parseSort(route.query.get(param), fields) ?? opts.fallback ?? null;
  const onSort = (field: string) => {
    const next = nextSort(sort, field);
    const fallback = formatSort(opts.fallback ?? null);
    const value = formatSort(next);
    // The page's own default order needs no parameter: the URL stays as short as the link to it.
    setQuery({ [param]: value === fallback ? null : value });
  };
  return { sort, onSort };
}
