/**
 * Hand-written SVG line chart with an optional confidence band per series. No chart library:
 * the admin page must load in under 60 KB brotli of JavaScript, and the smallest capable library
 * (uPlot) would take a large share of that for two chart shapes we can draw in ~150 lines.
 * Accessible: the SVG is one labelled image; the same figures are in a visually hidden table.
 */
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { xLabelIndexes } from "./axis";

export interface Series {
  name: string;
  color: string;
  values: (number | null)[];
  /** 95 % interval per point (same length as values), drawn as a band. */
  band?: ({ low: number; high: number } | null)[];
  /** Extra text per point for the tooltip and the table ("n = 42"). */
  notes?: (string | null)[];
}

interface Props {
  title: string;
  labels: string[];
  series: Series[];
  yMin?: number;
  yMax?: number;
  /** Hard limits for an automatic axis (NPS: −100…100). */
  bounds?: [number, number];
  format: (v: number) => string;
  /** Horizontal reference line (0 for NPS, 100 % for NRR). */
  reference?: number;
  height?: number;
  bandLabel?: string;
  empty?: ComponentChildren;
}

const PAD = { top: 16, right: 16, bottom: 34, left: 48 };

function niceTicks(min: number, max: number, count = 5): number[] {
  const span = max - min || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  // `|| 0` turns -0 into 0 (no "-0" label).
  for (let v = Math.ceil(min / step) * step; v <= max + 1e-9; v += step) ticks.push(Math.round(v * 1e6) / 1e6 || 0);
  return ticks;
}

/** Splits a series into runs of consecutive defined points (a gap in data is a gap in the line). */
function runs(values: (number | null)[]): number[][] {
  const out: number[][] = [];
  let cur: number[] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (cur.length) out.push(cur);
      cur = [];
    } else cur.push(i);
  });
  if (cur.length) out.push(cur);
  return out;
}

export function LineChart({ title, labels, series, yMin, yMax, bounds, format, reference, height = 260, bandLabel, empty }: Props) {
  // Drawn at the container's own width, so text keeps its size whatever the card's width.
  const ref = useRef<HTMLElement>(null);
  const [W, setW] = useState(720);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(([e]) => e && e.contentRect.width > 0 && setW(Math.round(e.contentRect.width)));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const all: number[] = [];
  for (const s of series) {
    s.values.forEach((v, i) => {
      if (v === null) return;
      all.push(v);
      const b = s.band?.[i];
      if (b) all.push(b.low, b.high);
    });
  }
  if (all.length === 0)
    return (
      <figure class="chart chart-empty" ref={ref}>
        {empty}
      </figure>
    );
  let lo = yMin ?? Math.min(...all);
  let hi = yMax ?? Math.max(...all);
  if (reference !== undefined && yMin === undefined) lo = Math.min(lo, reference);
  if (reference !== undefined && yMax === undefined) hi = Math.max(hi, reference);
  if (yMin === undefined || yMax === undefined) {
    const pad = (hi - lo) * 0.08 || 1;
    if (yMin === undefined) lo -= pad;
    if (yMax === undefined) hi += pad;
  }
  if (bounds) {
    lo = Math.max(bounds[0], lo);
    hi = Math.min(bounds[1], hi);
  }
  const ticks = niceTicks(lo, hi);
  const H = height;
  const innerW = W - PAD.left - PAD.right;
  const innerH = H - PAD.top - PAD.bottom;
  const n = labels.length;
  const x = (i: number) => PAD.left + (n <= 1 ? innerW / 2 : (i * innerW) / (n - 1));
  const y = (v: number) => PAD.top + innerH - ((v - lo) / (hi - lo)) * innerH;
  const shown = xLabelIndexes(labels, Math.max(1, Math.ceil(n / Math.max(2, Math.floor(innerW / 80)))));

  return (
    <figure class="chart" ref={ref}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
        {ticks.map((v) => (
          <g key={v}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} class={v === reference ? "axis-ref" : "grid"} />
            <text x={PAD.left - 8} y={y(v) + 4} text-anchor="end" class="tick">
              {format(v)}
            </text>
          </g>
        ))}
        {labels.map((l, i) =>
          shown.has(i) ? (
            <text key={i} x={x(i)} y={H - 10} text-anchor="middle" class="tick">
              {l}
            </text>
          ) : null,
        )}
        {series.map((s) =>
          s.band
            ? runs(s.values.map((v, i) => (s.band![i] ? v : null))).map((r) => {
                const top = r.map((i) => `${x(i)},${y(s.band![i]!.high)}`);
                const bottom = [...r].reverse().map((i) => `${x(i)},${y(s.band![i]!.low)}`);
                return r.length === 1 ? (
                  <line
                    key={"b" + r[0]}
                    x1={x(r[0]!)}
                    x2={x(r[0]!)}
                    y1={y(s.band![r[0]!]!.high)}
                    y2={y(s.band![r[0]!]!.low)}
                    stroke={s.color}
                    stroke-opacity="0.25"
                    stroke-width="10"
                  />
                ) : (
                  <polygon key={"b" + r[0]} points={[...top, ...bottom].join(" ")} fill={s.color} fill-opacity="0.14" />
                );
              })
            : null,
        )}
        {series.map((s) =>
          runs(s.values).map((r) => (
            <polyline
              key={s.name + r[0]}
              points={r.map((i) => `${x(i)},${y(s.values[i]!)}`).join(" ")}
              fill="none"
              stroke={s.color}
              stroke-width="2.5"
              stroke-linejoin="round"
            />
          )),
        )}
        {series.map((s) =>
          s.values.map((v, i) =>
            v === null ? null : (
              <circle key={s.name + i} cx={x(i)} cy={y(v)} r="4" fill="#fff" stroke={s.color} stroke-width="2">
                <title>{`${s.name} · ${labels[i]}: ${format(v)}${s.band?.[i] ? ` [${format(s.band[i]!.low)} ; ${format(s.band[i]!.high)}]` : ""}${s.notes?.[i] ? ` · ${s.notes[i]}` : ""}`}</title>
              </circle>
            ),
          ),
        )}
      </svg>
      <figcaption class="legend">
        {series.map((s) => (
          <span key={s.name}>
            <i style={{ background: s.color }} aria-hidden="true" />
            {s.name}
          </span>
        ))}
        {bandLabel && series.some((s) => s.band) ? (
          <span>
            <i class="band-swatch" style={{ background: series.find((s) => s.band)!.color }} aria-hidden="true" />
            {bandLabel}
          </span>
        ) : null}
      </figcaption>
      <table class="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">{"\u00a0"}</th>
            {series.map((s) => (
              <th scope="col" key={s.name}>
                {s.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {labels.map((l, i) => (
            <tr key={i}>
              <th scope="row">{l}</th>
              {series.map((s) => (
                <td key={s.name}>
                  {s.values[i] === null ? "—" : format(s.values[i]!)}
                  {s.band?.[i] ? ` [${format(s.band[i]!.low)} ; ${format(s.band[i]!.high)}]` : ""}
                  {s.notes?.[i] ? ` (${s.notes[i]})` : ""}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
