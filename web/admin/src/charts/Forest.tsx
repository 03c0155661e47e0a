/**
 * A forest plot: one row per group with its value (dot), its 95 % interval (bar) and n, on a
 * shared axis, so overlapping intervals read as "no real difference" at a glance. Plain HTML and
 * CSS positioning: each row is also readable as text by screen readers.
 */
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
}: {
  rows: ForestRow[];
  min: number;
  max: number;
  format: (v: number) => string;
  title: string;
  reference?: number;
}) {
  // Zoom on the data (intervals included), in round steps of a tenth of the scale, within its bounds.
  const step = (ceil - floor) / 20;
  const seen = rows.flatMap((r) => [r.low, r.high, r.value]).filter((v): v is number => v !== null);
  const min = seen.length ? Math.max(floor, Math.floor((Math.min(...seen) - step) / step) * step) : floor;
  const max = seen.length ? Math.min(ceil, Math.ceil((Math.max(...seen) + step) / step) * step) : ceil;
  const pos = (v: number) => `${(100 * (Math.max(min, Math.min(max, v)) - min)) / (max - min)}%`;
  return (
    <ul class="forest" aria-label={title}>
      {rows.map((r) => (
        <li key={r.label}>
          <span class="forest-label" title={r.label}>
            {r.label}
          </span>
          <span class="forest-track" aria-hidden="true">
            {reference !== undefined && reference > min && reference < max && <i class="forest-ref" style={{ left: pos(reference) }} />}
            {r.low !== null && r.high !== null && <i class="forest-ci" style={{ left: pos(r.low), width: `calc(${pos(r.high)} - ${pos(r.low)})` }} />}
            {r.value !== null && <i class="forest-dot" style={{ left: pos(r.value) }} />}
          </span>
          <span class="forest-value">
            <strong>{r.value === null ? "—" : format(r.value)}</strong>
            <span class="sr-only">{r.low !== null && r.high !== null ? ` [${format(r.low)} ; ${format(r.high)}]` : ""}</span>
          </span>
          <span class="muted forest-n">n = {r.n}</span>
        </li>
      ))}
      <li class="forest-axis" aria-hidden="true">
        <span />
        <span class="forest-ticks">
          <span>{format(min)}</span>
          {reference !== undefined && reference > min && reference < max && <span style={{ left: pos(reference) }}>{format(reference)}</span>}
          <span>{format(max)}</span>
        </span>
        <span />
        <span />
      </li>
    </ul>
  );
}
