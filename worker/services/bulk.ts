/** Bulk upserts (accounts, contacts): each row validated on its own, results in request order. */
import type { z } from "zod";
import { zodError } from "../lib/validate";
import { upsertWithFallback, type UpsertResult } from "./accountsUpsert";

/** Per-row outcome of a bulk call, in request order. */
export function bulkResults(results: UpsertResult[], keys: (string | null)[]) {
  const data = results.map((r, index) =>
    r.ok
      ? { index, externalId: keys[index] ?? null, status: r.status, id: r.id }
      : { index, externalId: keys[index] ?? null, status: "error" as const, error: r.error },
  );
  const count = (s: string) => data.filter((d) => d.status === s).length;
  return {
    created: count("created"),
    updated: count("updated"),
    unchanged: count("unchanged"),
    errors: count("error"),
    results: data,
  };
}

/**
 * A bulk call: each row is validated on its own (a bad row becomes an error result, the others go
 * on), the valid ones are upserted together, and the results come back in request order.
 */
export async function runBulk<T extends { externalId: string }>(
  rows: unknown[],
  schema: z.ZodType<T>,
  write: (valid: T[]) => Promise<UpsertResult[]>,
) {
  const results = new Array<UpsertResult>(rows.length);
  const valid: { index: number; row: T }[] = [];
  rows.forEach((raw, index) => {
    const parsed = schema.safeParse(raw);
    if (parsed.success) valid.push({ index, row: parsed.data });
    else {
      const e = zodError(parsed.error, "body");
      results[index] = { ok: false, error: { code: "invalid_field", field: e.field ?? "", message: e.message } };
    }
  });
  const written = await upsertWithFallback(
    valid.map((v) => v.row),
    write,
  );
  valid.forEach((v, i) => (results[v.index] = written[i]!));
  const keys = rows.map((r) => {
    const ext = r !== null && typeof r === "object" ? (r as { externalId?: unknown }).externalId : undefined;
    return typeof ext === "string" ? ext : null;
  });
  return bulkResults(results, keys);
}
