/** Everything the dashboard shows about one set of counted responses, by survey kind. */
import type { SurveyKind } from "../db/schema";
import { histogramMean, histogramTotal, type Histogram } from "./histogram";
import { nps, npsCountsFromHistogram, npsInterval } from "./nps";
import { ces, csat } from "./scores";

const pct = (part: number, n: number) => (n === 0 ? null : (100 * part) / n);

export function summarize(kind: SurveyKind, h: Histogram) {
  const n = histogramTotal(h);
  const base = { n, histogram: h, mean: histogramMean(h) };
  if (kind === "nps") {
    const counts = npsCountsFromHistogram(h);
    return {
      ...base,
      ...counts,
      promotersPct: pct(counts.promoters, n),
      passivesPct: pct(counts.passives, n),
      detractorsPct: pct(counts.detractors, n),
      nps: nps(counts),
      ci95: npsInterval(counts),
    };
  }
  if (kind === "csat") return { ...base, csat: csat(h).csat };
  return { ...base, easy: ces(h).easy };
}

export type Summary = ReturnType<typeof summarize>;
