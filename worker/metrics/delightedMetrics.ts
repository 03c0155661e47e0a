/**
 * Delighted's own metrics, for the /v1 surface (docs/INTEGRATIONS.md): EVERY response in the range
 * counts, one person answering twice counts twice (Baromètre's own metrics count a contact once
 * per bucket, METRICS.md). So the numbers a team knew from Delighted carry over.
 * Percentages are of all responses, rounded to one decimal like Delighted's; the NPS is
 * promoter % − detractor % rounded to an integer; with no response, the NPS is null and every
 * count and percentage 0.
 */
export interface DelightedMetrics {
  nps: number | null;
  promoter_count: number;
  promoter_percent: number;
  passive_count: number;
  passive_percent: number;
  detractor_count: number;
  detractor_percent: number;
  response_count: number;
}

const pct = (part: number, n: number) => (n === 0 ? 0 : Math.round((1000 * part) / n) / 10);

export function delightedMetrics(counts: { promoters: number; passives: number; detractors: number }): DelightedMetrics {
  const { promoters, passives, detractors } = counts;
  const n = promoters + passives + detractors;
  return {
    nps: n === 0 ? null : Math.round((100 * (promoters - detractors)) / n),
    promoter_count: promoters,
    promoter_percent: pct(promoters, n),
    passive_count: passives,
    passive_percent: pct(passives, n),
    detractor_count: detractors,
    detractor_percent: pct(detractors, n),
    response_count: n,
  };
}
