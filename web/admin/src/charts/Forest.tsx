/**
 * A forest plot: one row per group with its value (dot), its 95 % interval (bar) and n, on a
 * shared axis, so overlapping intervals read as "no real difference" at a glance. Plain HTML and
 * CSS positioning, in a table: each row reads as text to screen readers, and the headers can sort.
 */
import { SortableTh } from "../components/SortableTh";
import type { Sort } from "../sort";
export interface ForestRow {
  label: string;
  value: number | null;
  low: number | null;
  high: number | null;
  n: number;
}

export function Forest({
  rows,
  min: floor,
  max: ceil,
  format,
  title,
  reference,
  head,
  sort,
  onSort,
}: {
  rows: ForestRow[];
  min: number;
  max: number;
  format: (v: number) => string;
  title: string;
  reference?: number;
  /** Column names (the interval column's is for screen readers only). */
  head: { label: string; interval: string; value: string };
  /** With both, the group, value and n headers sort the rows (the caller sorts them). */
  sort?: Sort | null;
  onSort?: (field: string) => void;
}) {
  // Zoom on the data (intervals included), in round steps of a tenth of the scale, within its bounds.
  const step = (ceil - floor) / 20;
  const seen = rows.flatMap((r) => [r.low, r.high, r.value]).filter((v): v is number => v !== null);
  const min = seen.length ? Math.max(floor, Math.floor((Math.min(...seen) - step) / step) * step) : floor;
  const max = seen.length ? Math.min(ceil, Math.ceil((Math.max(...seen) + step) / step) * step) : ceil;
  const pos = (v: number) => `${(100 * (Math.max(min, Math.min(max, v)) - min)) / (max - min)}%`;
  const th = (field: string, label: string, cls: string) =>
    sort && onSort ? (
      <SortableTh label={label} field={field} sort={sort} onSort={onSort} class={cls} />
    ) : (
      <th scope="col" class={cls}>
        {label}
      </th>
    );
  return (
    <table class="forest">
      <caption class="sr-only">{title}</caption>
      <thead>
        <tr>
          {th("label", head.label, "forest-label")}
          <th scope="col" class="forest-track-head">
            <span class="sr-only">{head.interval}</span>
          </th>
          {th("value", head.value, "forest-value")}
          {th("n", "n", "forest-n")}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label}>
            <th scope="row" class="forest-label" title={r.label}>
              {r.label}
            </th>
            <td class="forest-track">
              <span class="forest-bar" aria-hidden="true">
                {reference !== undefined && reference > min && reference < max && <i class="forest-ref" style={{ left: pos(reference) }} />}
                {r.low !== null && r.high !== null && (
                  <i class="forest-ci" style={{ left: pos(r.low), width: `calc(${pos(r.high)} - ${pos(r.low)})` }} />
                )}
                {r.value !== null && <i class="forest-dot" style={{ left: pos(r.value) }} />}
              </span>
              <span class="sr-only">{r.low !== null && r.high !== null ? `${format(r.low)} ; ${format(r.high)}` : "—"}</span>
            </td>
            <td class="forest-value">
              <strong>{r.value === null ? "—" : format(r.value)}</strong>
            </td>
            <td class="muted forest-n">n = {r.n}</td>
          </tr>
        ))}
      </tbody>
      <tfoot aria-hidden="true">
        <tr class="forest-axis">
          <td />
          <td>
            <span class="forest-ticks">
              <span>{format(min)}</span>
              {reference !== undefined && reference > min && reference < max && <span style={{ left: pos(reference) }}>{format(reference)}</span>}
              <span>{format(max)}</span>
            </span>
          </td>
          <td />
          <td />
        </tr>
      </tfoot>
    </table>
  );
}
