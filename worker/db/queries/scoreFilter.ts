import type { Dimension } from "../schema";

/** A breakdown filter: one dimension and its value (`{ dim: "segment", value: "enterprise" }`). */
export interface ScoreFilter {
  dim: Exclude<Dimension, "all">;
  value: string;
}

export interface HistogramQuery {
  surveyId: string;
  interval: "month" | "quarter" | "half";
  /** Bucket starts, `YYYY-MM-DD`: [fromBucket, toBucket). */
  fromBucket: string;
  toBucket: string;
  /** All must hold (a manager's scope plus a segment, say). */
  filters: ScoreFilter[];
}
