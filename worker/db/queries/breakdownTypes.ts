/** The shapes shared by the breakdown's rollup and raw paths (one file, so neither imports the other). */
import type { Histogram } from "../../metrics/histogram";

export const BREAKDOWN_DIMS = ["segment", "manager", "account", "channel", "locale"] as const;
export type BreakdownDim = (typeof BREAKDOWN_DIMS)[number];

export interface BreakdownQuery {
  surveyId: string;
  by: BreakdownDim;
  interval: "month" | "quarter" | "half";
  fromBucket: string;
  toBucket: string;
  /** A manager's id: only their accounts' answers (counted path). */
  managerScope: string | null;
  /** The zone the buckets are in; when the rollups are not (yet) in it, the raw path answers. */
  timeZone?: string;
}

export interface BreakdownRow {
  value: string;
  label: string | null;
  histogram: Histogram;
}
