/**
 * What a fuzz run may have left in the database, checked over every table sqlite_master lists
 * (so a new table is covered without touching this file):
 * - text: no control characters but \t \n \r, no lone surrogates, no U+FFFD (what a lone surrogate
 *   becomes on its way into D1), also inside JSON columns;
 * - dates: integer instants (`*_at`) and ISO day columns (`*_on`, `deadline`, `bucket*`) between
 *   1970 and ten years from now;
 * - orphans: every declared foreign key, and the reference-like columns drizzle does not declare,
 *   point at an existing row.
 */
export interface Finding {
  check: "text" | "date" | "orphan";
  table: string;
  column: string;
  /** The row, by primary key (or rowid). */
  row: string;
  detail: string;
}

/** Columns that hold another row's id without a FOREIGN KEY clause (snapshots and rollups). */
export const UNDECLARED_REFERENCES: { table: string; column: string; parent: string; parentColumn: string }[] = [
  { table: "responses", column: "account_id", parent: "accounts", parentColumn: "id" },
  { table: "responses", column: "manager_user_id", parent: "users", parentColumn: "id" },
  { table: "counted", column: "survey_id", parent: "surveys", parentColumn: "id" },
  { table: "counted", column: "response_id", parent: "responses", parentColumn: "id" },
  { table: "counted", column: "account_id", parent: "accounts", parentColumn: "id" },
  { table: "rollups", column: "survey_id", parent: "surveys", parentColumn: "id" },
  { table: "cube", column: "survey_id", parent: "surveys", parentColumn: "id" },
];

/**
 * Bookkeeping tables of D1, SQLite and the migration runner, not ours; and the full-text indexes
 * of comments (migrations/0008), accounts and contacts (migrations/0022): an external-content FTS5
 * table holds no text of its own (the comments are scanned in `responses`, the names in `accounts`
 * and `contacts`), only its index pages, some in WITHOUT ROWID tables.
 */
const SYSTEM_TABLE = /^(sqlite_|_cf_|d1_migrations$|(comments|accounts|contacts)_fts($|_))/;

const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const INSTANT_COLUMN = /(_at|^window_start)$/;
const DAY_COLUMN = /(_on|^deadline|^bucket(_\w+)?)$/;

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
const show = (s: string) => JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}…` : s);

function textProblem(s: string): string | null {
  const m = BAD_CHAR.exec(s);
  if (m) return `control character U+${m[0].charCodeAt(0).toString(16).padStart(4, "0")} in ${show(s)}`;
  if (LONE_SURROGATE.test(s)) return `lone surrogate in ${show(s)}`;
  if (s.includes("\uFFFD")) return `U+FFFD (a rewritten invalid character) in ${show(s)}`;
  return null;
}

/** Strings inside a JSON column (keys too), since JSON escapes hide raw control characters. */
function* stringsIn(v: unknown): Generator<string> {
  if (typeof v === "string") yield v;
  else if (Array.isArray(v)) for (const x of v) yield* stringsIn(x);
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      yield k;
      yield* stringsIn(x);
    }
  }
}

function jsonOrNull(s: string): unknown {
  if (!/^\s*[[{"]/.test(s)) return null;
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

export async function scanDatabase(db: D1Database, now = Date.now()): Promise<Finding[]> {
  const maxInstant = now + 10 * 365.25 * 86_400_000;
  const maxDay = new Date(maxInstant).toISOString().slice(0, 10);
  const findings: Finding[] = [];
  const tables = (await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all<{ name: string }>()).results
    .map((r) => r.name)
    .filter((t) => !SYSTEM_TABLE.test(t));

  for (const table of tables) {
    const columns = (await db.prepare(`PRAGMA table_info(${q(table)})`).all<{ name: string; type: string; pk: number }>()).results;
    const pk = columns.filter((c) => c.pk > 0).map((c) => c.name);
    const rows = (await db.prepare(`SELECT rowid AS __rowid, * FROM ${q(table)}`).all<Record<string, unknown>>()).results;
    for (const row of rows) {
      const key = pk.length > 0 ? pk.map((c) => String(row[c])).join("/") : `rowid ${row.__rowid}`;
      for (const { name } of columns) {
        const v = row[name];
        if (v === null || v === undefined) continue;
        if (typeof v === "string") {
          const json = jsonOrNull(v);
          const problem = textProblem(v) ?? (json !== null ? ([...stringsIn(json)].map(textProblem).find((p) => p) ?? null) : null);
          if (problem) findings.push({ check: "text", table, column: name, row: key, detail: problem });
        }
        if (INSTANT_COLUMN.test(name)) {
          if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > maxInstant) {
            findings.push({ check: "date", table, column: name, row: key, detail: `instant ${JSON.stringify(v)} outside 1970..${maxDay}` });
          }
        } else if (DAY_COLUMN.test(name)) {
          const ok = typeof v === "string" && /^\d{4}-\d{2}-\d{2}$/.test(v) && v >= "1970-01-01" && v <= maxDay && !Number.isNaN(Date.parse(v));
          if (!ok) findings.push({ check: "date", table, column: name, row: key, detail: `day ${JSON.stringify(v)} outside 1970-01-01..${maxDay}` });
        }
      }
    }
  }

  const references = [...UNDECLARED_REFERENCES.filter((r) => tables.includes(r.table))];
  for (const table of tables) {
    const fks = (await db.prepare(`PRAGMA foreign_key_list(${q(table)})`).all<{ table: string; from: string; to: string | null }>()).results;
    for (const fk of fks) references.push({ table, column: fk.from, parent: fk.table, parentColumn: fk.to ?? "id" });
  }
  for (const r of references) {
    const orphans = (
      await db
        .prepare(
          `SELECT rowid AS __rowid, ${q(r.column)} AS ref FROM ${q(r.table)} c WHERE ${q(r.column)} IS NOT NULL ` +
            `AND NOT EXISTS (SELECT 1 FROM ${q(r.parent)} p WHERE p.${q(r.parentColumn)} = c.${q(r.column)}) LIMIT 20`,
        )
        .all<{ __rowid: number; ref: string }>()
    ).results;
    for (const o of orphans) {
      findings.push({
        check: "orphan",
        table: r.table,
        column: r.column,
        row: `rowid ${o.__rowid}`,
        detail: `${r.column}=${show(String(o.ref))} has no ${r.parent}.${r.parentColumn}`,
      });
    }
  }
  return findings;
}
