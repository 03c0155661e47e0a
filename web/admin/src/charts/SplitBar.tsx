/** One stacked bar: detractors / passives / promoters, with counts and shares (SVG-free: divs). */
export interface Part {
  label: string;
  count: number;
  pct: number | null;
  cls: "detractor" | "passive" | "promoter";
}

export function SplitBar({ parts, title }: { parts: Part[]; title: string }) {
  const total = parts.reduce((s, p) => s + p.count, 0);
  return (
    <div class="split">
      <div class="split-bar" role="img" aria-label={title + ": " + parts.map((p) => `${p.label} ${p.count}`).join(", ")}>
        {total > 0 &&
          parts.map((p) => (p.count > 0 ? <span key={p.cls} class={"seg " + p.cls} style={{ width: `${(100 * p.count) / total}%` }} /> : null))}
      </div>
      <ul class="split-legend">
        {parts.map((p) => (
          <li key={p.cls}>
            <i class={"dot " + p.cls} aria-hidden="true" />
            <span class="split-label">{p.label}</span>
            <strong>{p.pct === null ? "—" : `${Math.round(p.pct)} %`}</strong>
            <span class="muted">({p.count})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Horizontal bars of rates (0..1) with the group size beside each: retention by NPS category. */
export function RateBars({
  rows,
  title,
}: {
  rows: { label: string; rate: number | null; n: number; cls: string; note: string; ci?: { low: number; high: number } | null }[];
  title: string;
}) {
  return (
    <ul class="rate-bars" aria-label={title}>
      {rows.map((r) => (
        <li key={r.label}>
          <span class="rate-label">{r.label}</span>
          <span class="rate-track" aria-hidden="true">
            <span class={"rate-fill " + r.cls} style={{ width: `${Math.max(0, Math.min(1, r.rate ?? 0)) * 100}%` }} />
            {r.ci && <span class="rate-ci" style={{ left: `${r.ci.low * 100}%`, width: `${(r.ci.high - r.ci.low) * 100}%` }} />}
          </span>
          <strong class="rate-value">{r.rate === null ? "—" : `${Math.round(r.rate * 100)} %`}</strong>
          <span class="muted rate-n">
            {r.note}
            {r.ci && <span class="sr-only">{` [${Math.round(r.ci.low * 100)} % ; ${Math.round(r.ci.high * 100)} %]`}</span>}
          </span>
        </li>
      ))}
    </ul>
  );
}
