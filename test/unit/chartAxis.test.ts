/**
 * Which x labels a line chart draws (web/admin/src/charts/axis.ts): the account page plots one
 * point per answer labelled by month, so neighbours share a label; drawn twice they overlapped
 * ("Jul 26 Jul 26"). Expected sets written out by hand.
 */
import { describe, expect, it } from "vitest";
import { xLabelIndexes } from "../../web/admin/src/charts/axis";

const set = (s: Set<number>) => [...s].sort((a, b) => a - b);

describe("xLabelIndexes", () => {
  it("draws one label every `every` points and the last one", () => {
    expect(set(xLabelIndexes(["a", "b", "c", "d", "e", "f", "g"], 3))).toEqual([0, 3, 6]);
  });

  it("lets the last label replace one drawn too close before it", () => {
    // every 3 of 6 points: 0, 3, then the last (5) is 2 points after 3, so 3 gives way.
    expect(set(xLabelIndexes(["a", "b", "c", "d", "e", "f"], 3))).toEqual([0, 5]);
  });

  it("does not repeat a label equal to the one drawn before it", () => {
    const labels = ["Jan 25", "Jan 25", "Jul 25", "Jul 25", "Jul 25", "Jan 26", "Jul 26", "Jul 26"];
    // Every 2: 0, 2, 4, 6, then the last (7) replaces 6; 4 repeats 2's "Jul 25".
    expect(set(xLabelIndexes(labels, 2))).toEqual([0, 2, 7]);
  });

  it("draws every label when they all fit, and nothing for no points", () => {
    expect(set(xLabelIndexes(["x", "y"], 1))).toEqual([0, 1]);
    expect(set(xLabelIndexes([], 1))).toEqual([]);
  });
});
