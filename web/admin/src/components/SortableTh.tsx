/**
 * A column header that sorts its table: the current order in `aria-sort`, a button to change it
 * (the parent decides what a click does: `onSort(field)` usually toggles the direction), and an
 * arrow for sighted users (hidden from screen readers, which read `aria-sort`).
 */
export interface SortState {
  field: string;
  dir: "asc" | "desc";
}

export function SortableTh({
  label,
  field,
  sort,
  onSort,
}: {
  label: string;
  field: string;
  sort: SortState | null;
  onSort: (field: string) => void;
}) {
  const dir = sort?.field === field ? sort.dir : null;
  return (
    <th scope="col" aria-sort={dir === "asc" ? "ascending" : dir === "desc" ? "descending" : "none"}>
      <button type="button" class="th-sort" onClick={() => onSort(field)}>
        {label}
        <span class="th-arrow" aria-hidden="true">
          {dir === "asc" ? "▲" : dir === "desc" ? "▼" : "↕"}
        </span>
      </button>
    </th>
  );
}
