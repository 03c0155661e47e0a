/**
 * What the search indexes of accounts and contacts (migrations/0022) cost in D1's billing unit,
 * `meta.rows_written`: the same statements run with and without their triggers, the difference
 * being the index's share. Prints the figures docs/SCALING.md quotes, holds them to a budget, and
 * checks that what does not touch a searched column (an MRR change, an unsubscribe, an answer
 * that creates no contact) writes exactly what it wrote before.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bucketOf } from "../../worker/metrics/buckets";
import { createSurvey } from "../helpers";

const FTS_TRIGGERS = [
  "accounts_fts_insert",
  "accounts_fts_delete",
  "accounts_fts_update",
  "contacts_fts_insert",
  "contacts_fts_delete",
  "contacts_fts_update",
];

/** Runs `write` once with the search triggers and once without them (then puts them back). */
async function withAndWithout(write: (run: "with" | "without") => Promise<number>): Promise<{ with: number; without: number }> {
  const withIndex = await write("with");
  const saved = await env.DB.prepare(
    `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${FTS_TRIGGERS.map(() => "?").join(", ")})`,
  )
    .bind(...FTS_TRIGGERS)
    .all<{ name: string; sql: string }>();
  expect(saved.results.length).toBe(FTS_TRIGGERS.length);
  for (const t of saved.results) await env.DB.prepare(`DROP TRIGGER ${t.name}`).run();
  try {
    return { with: withIndex, without: await write("without") };
  } finally {
    for (const t of saved.results) await env.DB.prepare(t.sql).run();
  }
}

const written = async (stmt: D1PreparedStatement) => (await stmt.run()).meta.rows_written;

describe("D1 rows written by the accounts and contacts search indexes", () => {
  it("measures an account's and a contact's insert, rename and delete, and other updates (no extra row)", async () => {
    const n = 20;
    const figures: Record<string, { with: number; without: number; extra: number }> = {};
    const measure = async (label: string, write: (run: "with" | "without", i: number) => D1PreparedStatement) => {
      // Several statements each: FTS5 merges its segments now and then, so one insert costs more
      // than the next; the mean is the figure, the maximum the budget's.
      const runs = await withAndWithout(async (run) => {
        let total = 0;
        for (let i = 0; i < n; i++) total += await written(write(run, i));
        return total / n;
      });
      figures[label] = { ...runs, extra: runs.with - runs.without };
    };
    const acc = (run: string, i: number) => `acc_cost_${run}_${i}`;
    const con = (run: string, i: number) => `ct_cost_${run}_${i}`;
    await measure("account insert", (run, i) =>
      env.DB.prepare("INSERT INTO accounts (id, external_id, name, started_on) VALUES (?, ?, ?, '2024-01-01')").bind(
        acc(run, i),
        `ext-cost-${run}-${i}`,
        `Société Générale ${run} ${i}`,
      ),
    );
    await measure("account MRR and churn update", (run, i) =>
      env.DB.prepare("UPDATE accounts SET mrr_cents = ?, churned_on = '2025-06-30', updated_at = ? WHERE id = ?").bind(
        1000 + i,
        Date.now(),
        acc(run, i),
      ),
    );
    await measure("account upsert, same name", (run, i) =>
      env.DB.prepare(
        `INSERT INTO accounts (id, external_id, name, started_on) VALUES (?, ?, ?, '2024-01-01')
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, external_id = excluded.external_id`,
      ).bind(acc(run, i), `ext-cost-${run}-${i}`, `Société Générale ${run} ${i}`),
    );
    await measure("account rename", (run, i) =>
      env.DB.prepare("UPDATE accounts SET name = ? WHERE id = ?").bind(`Crédit Agricole ${run} ${i}`, acc(run, i)),
    );
    await measure("contact insert", (run, i) =>
      env.DB.prepare("INSERT INTO contacts (id, external_id, account_id, email, name) VALUES (?, ?, ?, ?, ?)").bind(
        con(run, i),
        `cext-cost-${run}-${i}`,
        acc(run, i),
        `elodie.${run}.${i}@societe.fr`,
        `Élodie Martin ${i}`,
      ),
    );
    await measure("contact unsubscribe", (run, i) =>
      env.DB.prepare("UPDATE contacts SET unsubscribed_at = ?, locale = 'fr', updated_at = ? WHERE id = ?").bind(Date.now(), Date.now(), con(run, i)),
    );
    await measure("contact rename", (run, i) => env.DB.prepare("UPDATE contacts SET name = ? WHERE id = ?").bind(`Hélène Dubois ${i}`, con(run, i)));
    await measure("contact delete", (run, i) => env.DB.prepare("DELETE FROM contacts WHERE id = ?").bind(con(run, i)));
    await measure("account delete", (run, i) => env.DB.prepare("DELETE FROM accounts WHERE id = ?").bind(acc(run, i)));
    console.log(`rows_written per statement, mean of ${n}, with and without the search index: ${JSON.stringify(figures)}`);
    // Nothing extra when no searched column changes.
    expect(figures["account MRR and churn update"]!.extra).toBe(0);
    expect(figures["account upsert, same name"]!.extra).toBe(0);
    expect(figures["contact unsubscribe"]!.extra).toBe(0);
    // Budget (docs/SCALING.md): today's cost, rounded up.
    for (const label of ["account insert", "contact insert", "account delete", "contact delete"])
      expect(figures[label]!.extra, label).toBeLessThanOrEqual(8);
    for (const label of ["account rename", "contact rename"]) expect(figures[label]!.extra, label).toBeLessThanOrEqual(12);
    for (const f of Object.values(figures)) expect(f.extra).toBeGreaterThanOrEqual(0);
    await env.DB.prepare("INSERT INTO accounts_fts (accounts_fts, rank) VALUES ('integrity-check', 1)").run();
    await env.DB.prepare("INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('integrity-check', 1)").run();
  });

  it("an answer from a known contact writes the same rows with and without the index", async () => {
    const s = await createSurvey();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO accounts (id, name, started_on) VALUES ('acc_cost_answer', 'Société Générale', '2024-01-01')"),
      env.DB.prepare("INSERT INTO contacts (id, account_id, name) VALUES ('ct_cost_answer', 'acc_cost_answer', 'Élodie')"),
    ]);
    let at = Date.parse("2026-03-10T10:00:00Z");
    const answer = () => {
      at += 1000;
      return env.DB.prepare(
        `INSERT INTO responses (id, survey_id, contact_id, score, comment, channel, locale, account_id, bucket_month, bucket_quarter, bucket_half, created_at, updated_at)
         VALUES (?, ?, 'ct_cost_answer', 9, 'Très bien', 'widget', 'fr', 'acc_cost_answer', ?, ?, ?, ?, ?)`,
      ).bind(crypto.randomUUID(), s.id, bucketOf(at, "month", "UTC"), bucketOf(at, "quarter", "UTC"), bucketOf(at, "half", "UTC"), at, at);
    };
    // A first answer puts the contact's buckets in place; the next ones are alike.
    await answer().run();
    const runs = await withAndWithout(async () => written(answer()));
    expect(runs.with).toBe(runs.without);
    expect(runs.with).toBeGreaterThan(0);
  });
});
