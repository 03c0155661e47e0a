/** Pure helpers for chart axes (no DOM, unit-tested). */

/**
 * Which x labels to draw: one every `every` points (about 80 px each) and always the last one;
 * a label too close to the last one gives way to it, and a label equal to the one drawn before it
 * (points of the same month) is not repeated.
 */
export function xLabelIndexes(labels: readonly string[], every: number): Set<number> {
  const n = labels.length;
  const picked: number[] = [];
  for (let i = 0; i < n; i += every) picked.push(i);
  if (n > 0 && picked.at(-1) !== n - 1) {
    if (picked.length > 1 && n - 1 - picked.at(-1)! < every) picked.pop();
    picked.push(n - 1);
  }
  const out = new Set<number>();
  let previous: string | undefined;
  for (const i of picked) {
    if (labels[i] !== previous) out.add(i);
    previous = labels[i];
  }
  return out;
}
