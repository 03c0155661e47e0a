/**
 * History import: past answers from Delighted (its API's JSON, or a CSV flattened from it),
 * Formbricks and Typeform CSV exports, or any spreadsheet (docs/IMPORT.md, "History").
 *
 * - Columns are recognised by their usual names in each tool (`person_email`, `Submit Date (UTC)`,
 *   "How likely are you to recommend…"), or given explicitly by the admin page's mapping step.
 * - Original dates are kept: each answer lands in its own month, quarter and half-year, computed
 *   with metrics/buckets.ts in the workspace zone. A date without a time is local midnight there;
 *   a date-time without a zone is UTC (what Typeform and Formbricks export).
 * - People become contacts, matched by email (created when new). A property can name the
 *   person's account (created when new, by external id) or the answer's segment.
 * - Re-importing the same file changes nothing: a response's id is derived from the source and
 *   the row's identity (the tool's own response id, or email + date + score + comment).
 * - Valid rows are kept, bad rows reported with their row number, as for accounts.
 */
import { eq, sql } from "drizzle-orm";
import { importJobs, surveys } from "../db/schema";
import type { Db } from "../env";
import { badRequest } from "../lib/errors";
import { isValidScore, SCORE_RANGE } from "../lib/scales";
import { newId, sha256Hex } from "../lib/ids";
import { bucketOf, parseIsoDate, zonedMidnightUtc } from "../metrics/buckets";
import { textProblem } from "../schemas/common";
import { IMPORT_LIMITS } from "../schemas/imports";
import type { HISTORY_SOURCES } from "../schemas/historyImport";
import { CsvFatalError, readCsv, type CsvRecord } from "./csv";
import { rawBatch } from "./rawBatch";
import type { ImportError } from "./csvImport";
import { inList } from "../db/queries/inList";

export type HistorySource = (typeof HISTORY_SOURCES)[number];
export const HISTORY_FIELDS = ["email", "score", "comment", "date", "name", "id", "ignore"] as const;
type Field = (typeof HISTORY_FIELDS)[number];
/** What a column holds: a field, or `property:<key>`. */
export type ColumnRole = Field | `property:${string}`;

const norm = (h: string) => h.trim().toLowerCase().replace(/\s+/g, " ");

/** Usual header names, per field, across the tools (normalised: lower case, single spaces). */
const SYNONYMS: Record<Exclude<Field, "ignore">, string[]> = {
  id: ["id", "response id", "response_id", "#", "survey_response_id", "token"],
  email: [
    "email",
    "e-mail",
    "email address",
    "person_email",
    "person.email",
    "person[email]",
    "person email",
    "respondent email",
    "user email",
    "contact email",
    "userid email",
  ],
  score: ["score", "nps", "nps score", "rating", "net promoter score", "likelihood to recommend"],
  comment: ["comment", "comments", "feedback", "reason", "why", "why?", "open answer", "text"],
  date: [
    "created_at",
    "created at",
    "date",
    "submitted at",
    "submitted_at",
    "submit date (utc)",
    "response date",
    "timestamp",
    "createdat",
    "completed at",
    "date submitted",
  ],
  name: ["name", "person_name", "person.name", "person[name]", "full name", "respondent name"],
};

/** Tool metadata columns that are not properties of the person. */
const METADATA = new Set([
  "updated_at",
  "survey_type",
  "permalink",
  "notes",
  "tags",
  "additional_answers",
  "person",
  "person_id",
  "person.id",
  "start date (utc)",
  "stage date (utc)",
  "network id",
  "finished",
  "survey id",
  "formbricks id (internal)",
  "user id",
  "verified email",
  "language",
  "url",
  "user agent - browser",
  "user agent - os",
  "user agent - device",
  "country",
]);

/**
 * The role of each header: explicit mapping first, then the usual names, then a question that
 * mentions recommending (Typeform and Formbricks name columns after the question), then
 * `person_properties.x` / `properties[x]`, and everything else becomes a property (generic CSV)
 * or is ignored (the tools' own metadata).
 */
export function mapColumns(header: string[], source: HistorySource, explicit: Record<string, string> = {}): ColumnRole[] {
  const roles: ColumnRole[] = [];
  const taken = new Set<string>();
  const explicitNorm = Object.fromEntries(Object.entries(explicit).map(([k, v]) => [norm(k), v]));
  for (const raw of header) {
    const h = norm(raw);
    const given = explicitNorm[h];
    let role: ColumnRole | undefined;
    if (given !== undefined) {
      if (!(HISTORY_FIELDS as readonly string[]).includes(given) && !/^property:[\w .-]{1,100}$/.test(given)) {
        throw badRequest("invalid_mapping", `Column "${raw}": "${given}" is not one of ${HISTORY_FIELDS.join(", ")} or property:<name>`, "columns");
      }
      role = given as ColumnRole;
    } else {
      const field = (Object.keys(SYNONYMS) as Exclude<Field, "ignore">[]).find((f) => SYNONYMS[f].includes(h) && !taken.has(f));
      const prop = /^(?:person_)?properties(?:\.|\[)(.{1,100}?)\]?$/.exec(raw.trim());
      if (field) role = field;
      else if (!taken.has("score") && /recommend|recommander|nps/.test(h)) role = "score";
      else if (prop) role = `property:${prop[1]}`;
      else if (!taken.has("comment") && source !== "generic" && /^(why|what|pourquoi|qu'est-ce|comment could|how could)/.test(h)) role = "comment";
      else if (METADATA.has(h) || source !== "generic") role = "ignore";
      else role = `property:${raw.trim().slice(0, 100)}`;
    }
    if (role !== "ignore" && !role.startsWith("property:")) {
      if (taken.has(role)) throw badRequest("duplicate_column", `Two columns hold ${role}: map one of them to ignore`, raw);
      taken.add(role);
    }
    roles.push(role);
  }
  for (const must of ["score", "date"] as const) {
    if (!taken.has(must)) throw badRequest("missing_column", `No column holds the ${must}: map one in the import step`, must);
  }
  return roles;
}

class RowInvalid extends Error {
  constructor(
    readonly field: string,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const EMAIL = /^[^\s@",;<>]+@[^\s@",;<>]+\.[^\s@",;<>]+$/;

/** An instant from the usual export formats; see the module comment for zones. */
export function parseWhen(v: string, tz: string): number | null {
  const t = v.trim();
  if (/^\d{10}$/.test(t)) return Number(t) * 1000;
  if (/^\d{13}$/.test(t)) return Number(t);
  if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return parseIsoDate(t) ? zonedMidnightUtc(t, tz) : null;
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (!m || !parseIsoDate(m[1]!)) return null;
  const zone = m[5] ? (m[5] === "Z" ? "Z" : m[5].length === 5 ? `${m[5].slice(0, 3)}:${m[5].slice(3)}` : m[5]) : "Z";
  const ms = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? "00"}${zone}`);
  return Number.isFinite(ms) ? ms : null;
}

export interface HistoryOptions {
  source: HistorySource;
  surveyId: string;
  timeZone: string;
  columns?: Record<string, string>;
  /** A property naming the person's account (its external id; created when new). */
  accountProperty?: string;
  /** A property holding the answer's segment. */
  segmentProperty?: string;
  createdBy: string | null;
  now?: number;
}

interface Row {
  row: number;
  id: string;
  email: string | null;
  name: string | null;
  score: number;
  comment: string | null;
  at: number;
  properties: Record<string, string>;
}

/** UUID-shaped id from the source and the row's identity: the same row always gets the same id. */
async function stableId(source: string, identity: string): Promise<string> {
  const h = await sha256Hex(`barometre-history:${source}:${identity}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The first `max` UTF-16 units of `s`, never ending on half of a surrogate pair. */
function clip(s: string, max: number): string {
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

async function toRow(
  rec: Record<string, string>,
  roles: Map<string, ColumnRole>,
  kind: typeof surveys.$inferSelect.kind,
  opts: HistoryOptions,
  rowNo: number,
): Promise<Row> {
  let email: string | null = null;
  let name: string | null = null;
  let scoreText = "";
  let comment: string | null = null;
  let when = "";
  let sourceId: string | null = null;
  const properties: Record<string, string> = {};
  for (const [col, value] of Object.entries(rec)) {
    const role = roles.get(col);
    if (!role || role === "ignore") continue;
    const isProperty = role.startsWith("property:");
    // The API's text rule (schemas/common.ts) for everything kept: no control characters (line
    // breaks only in the comment), no lone surrogates, which D1 would turn into U+FFFD.
    const field = isProperty ? col : role;
    const problem = textProblem(value, role === "comment") ?? (isProperty ? textProblem(role.slice(9), false) : null);
    if (problem) throw new RowInvalid(field, "invalid_text", `${field} ${problem}`);
    const v = value.trim();
    if (role === "email") email = v.toLowerCase() || null;
    else if (role === "name") name = clip(v, 200) || null;
    else if (role === "score") scoreText = v;
    else if (role === "comment") comment = v || null;
    else if (role === "date") when = v;
    else if (role === "id") sourceId = v || null;
    else if (v !== "" && Object.keys(properties).length < 20) properties[role.slice(9)] = clip(v, 500);
  }
  if (email !== null && (email.length > 254 || !EMAIL.test(email)))
    throw new RowInvalid("email", "invalid_email", `email: "${email}" is not an email address`);
  if (scoreText === "") throw new RowInvalid("score", "required", "score is empty");
  const score = /^-?\d{1,3}$/.test(scoreText) ? Number(scoreText) : NaN;
  if (!isValidScore(kind, score)) {
    const [lo, hi] = SCORE_RANGE[kind];
    throw new RowInvalid("score", "invalid_score", `score: "${scoreText}" is not an integer from ${lo} to ${hi}`);
  }
  if (when === "") throw new RowInvalid("date", "required", "date is empty: history keeps each answer's own date");
  const at = parseWhen(when, opts.timeZone);
  if (at === null) throw new RowInvalid("date", "invalid_date", `date: "${when}" is not a date (YYYY-MM-DD, ISO 8601 or Unix seconds)`);
  if (at > (opts.now ?? Date.now()) + 86400_000) throw new RowInvalid("date", "invalid_date", `date: "${when}" is in the future`);
  if (comment && comment.length > 5000) throw new RowInvalid("comment", "too_long", "comment is over 5000 characters");
  const identity = sourceId ?? `${email ?? ""}|${at}|${score}|${comment ?? ""}`;
  return { row: rowNo, id: await stableId(opts.source, `${opts.surveyId}|${identity}`), email, name, score, comment, at, properties };
}

/** Delighted's API JSON (`[{id, person: {email,…}|id, score, comment, created_at, person_properties}]`) as CSV-like records. */
export function delightedJsonRecords(data: unknown): { header: string[]; records: Record<string, string>[] } {
  const list = Array.isArray(data) ? data : (data as { survey_responses?: unknown[] } | null)?.survey_responses;
  if (!Array.isArray(list)) throw badRequest("invalid_json", "Expected a JSON array of Delighted survey responses");
  if (list.length > IMPORT_LIMITS.maxRows) throw badRequest("too_many_rows", `More than ${IMPORT_LIMITS.maxRows} rows: split the file`);
  const records = list.map((o: any) => {
    const r: Record<string, string> = {};
    if (o && typeof o === "object") {
      const person = o.person && typeof o.person === "object" ? o.person : {};
      const s = (v: unknown) => (v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v));
      r.id = s(o.id);
      r.email = s(person.email ?? o.person_email ?? o.email);
      r.name = s(person.name ?? o.person_name);
      r.score = s(o.score);
      r.comment = s(o.comment);
      r.created_at = s(o.created_at);
      for (const [k, v] of Object.entries(o.person_properties ?? {})) r[`person_properties.${k}`] = s(v);
    }
    return r;
  });
  const header = [...new Set(records.flatMap((r) => Object.keys(r)))];
  return { header, records: records.map((r) => Object.fromEntries(header.map((h) => [h, r[h] ?? ""]))) };
}

export interface HistoryReport {
  id: string;
  kind: "history";
  status: "done" | "failed";
  processedRows: number;
  okRows: number;
  errorRows: number;
  /** Answers added by this import; the other valid rows were there already (a re-import). */
  created: number;
  unchanged: number;
  errors: ImportError[];
}

/** Imports records (from a CSV stream or a JSON list) into `opts.surveyId`. */
export async function importHistory(
  db: Db,
  input: { csv: ReadableStream<Uint8Array> } | { json: unknown },
  opts: HistoryOptions,
): Promise<HistoryReport> {
  const survey = await db.select().from(surveys).where(eq(surveys.id, opts.surveyId)).get();
  if (!survey) throw badRequest("invalid_field", "No such survey", "surveyId");

  let header: string[];
  let records: AsyncIterable<{ row: number; rec?: Record<string, string>; error?: { code: string; message: string } }>;
  if ("json" in input) {
    const j = delightedJsonRecords(input.json);
    header = j.header;
    records = (async function* () {
      let row = 1;
      for (const rec of j.records) yield { row: ++row, rec };
    })();
  } else {
    const csv = readCsv(input.csv, IMPORT_LIMITS);
    let first: IteratorResult<CsvRecord>;
    try {
      first = await csv.next();
    } catch (e) {
      if (e instanceof CsvFatalError) throw badRequest(e.code, e.message);
      throw e;
    }
    if (first.done || !first.value.fields) throw badRequest("empty_file", "The file is empty: the first line must name the columns");
    header = first.value.fields.map((h) => h.trim());
    const width = header.length;
    records = (async function* () {
      for await (const r of csv) {
        if (r.error) yield { row: r.row, error: r.error };
        else if (r.fields.length !== width)
          yield { row: r.row, error: { code: "field_count", message: `${r.fields.length} fields where the header has ${width}` } };
        else yield { row: r.row, rec: Object.fromEntries(header.map((h, i) => [h, r.fields[i]!])) };
      }
    })();
  }
  const roles = mapColumns(header, opts.source, opts.columns);
  const roleOf = new Map(header.map((h, i) => [h, roles[i]!]));

  const id = newId("imp");
  await db.insert(importJobs).values({ id, kind: "history", status: "running", createdBy: opts.createdBy, createdAt: new Date() }).run();
  const report: HistoryReport = {
    id,
    kind: "history",
    status: "done",
    processedRows: 0,
    okRows: 0,
    errorRows: 0,
    created: 0,
    unchanged: 0,
    errors: [],
  };
  const fail = (e: ImportError) => {
    report.errorRows++;
    if (report.errors.length < IMPORT_LIMITS.maxReportedErrors) report.errors.push(e);
  };
  const seen = new Map<string, number>();
  let batch: Row[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const added = await writeBatch(db, survey, batch, opts);
    report.okRows += batch.length;
    report.created += added;
    report.unchanged += batch.length - added;
    batch = [];
    await db
      .update(importJobs)
      .set({ processedRows: report.processedRows, okRows: report.okRows, errorRows: report.errorRows, errors: report.errors })
      .where(eq(importJobs.id, id));
  };
  try {
    for await (const r of records) {
      report.processedRows++;
      if (report.processedRows > IMPORT_LIMITS.maxRows)
        throw new CsvFatalError(r.row, "too_many_rows", `More than ${IMPORT_LIMITS.maxRows} rows: split the file`);
      if (r.error || !r.rec) {
        fail({ row: r.row, field: "", code: r.error!.code, message: r.error!.message });
        continue;
      }
      let row: Row;
      try {
        row = await toRow(r.rec, roleOf, survey.kind, opts, r.row);
      } catch (e) {
        if (!(e instanceof RowInvalid)) throw e;
        fail({ row: r.row, field: e.field, code: e.code, message: e.message });
        continue;
      }
      const first = seen.get(row.id);
      if (first !== undefined) {
        fail({ row: r.row, field: "id", code: "duplicate_row", message: `the same answer as row ${first}` });
        continue;
      }
      seen.set(row.id, r.row);
      batch.push(row);
      if (batch.length >= 100) await flush();
    }
    await flush();
  } catch (e) {
    if (!(e instanceof CsvFatalError)) {
      console.error(JSON.stringify({ level: "error", importId: id, error: String(e), stack: (e as Error).stack }));
      fail({ row: 0, field: "", code: "internal", message: "The import stopped on an internal error; rows before it were saved" });
    } else {
      await flush();
      fail({ row: e.row, field: "", code: e.code, message: e.message });
    }
    report.status = "failed";
  }
  await db
    .update(importJobs)
    .set({
      status: report.status,
      processedRows: report.processedRows,
      okRows: report.okRows,
      errorRows: report.errorRows,
      errors: report.errors,
      finishedAt: new Date(),
    })
    .where(eq(importJobs.id, id));
  return report;
}

/** Contacts (by email), accounts (by external id) and the answers of one batch; returns answers added. */
async function writeBatch(db: Db, survey: typeof surveys.$inferSelect, rows: Row[], opts: HistoryOptions): Promise<number> {
  const now = new Date();
  const tz = opts.timeZone;
  // Accounts named by a property: created when new (started on the earliest answer's date).
  const accountOf = (r: Row) => (opts.accountProperty ? (r.properties[opts.accountProperty]?.slice(0, 200) ?? null) : null);
  const segmentOf = (r: Row) => (opts.segmentProperty ? (r.properties[opts.segmentProperty]?.slice(0, 100) ?? null) : null);
  const newAccounts = new Map<string, { id: string; x: string; s: string; seg: string | null }>();
  for (const r of rows) {
    const x = accountOf(r);
    if (!x) continue;
    const day = new Date(r.at).toISOString().slice(0, 10);
    const known = newAccounts.get(x);
    if (!known) newAccounts.set(x, { id: newId("acc"), x, s: day, seg: segmentOf(r) });
    else if (day < known.s) known.s = day;
  }
  const people = new Map<string, { id: string; e: string; n: string | null; a: string | null }>();
  for (const r of rows) if (r.email && !people.has(r.email)) people.set(r.email, { id: newId("ctc"), e: r.email, n: r.name, a: accountOf(r) });
  await rawBatch(db, [
    sql`INSERT INTO accounts (id, external_id, name, segment, started_on, created_at, updated_at)
        SELECT value ->> '$.id', value ->> '$.x', value ->> '$.x', value ->> '$.seg', value ->> '$.s', ${now.getTime()}, ${now.getTime()}
        FROM json_each(${JSON.stringify([...newAccounts.values()])}) WHERE true ON CONFLICT DO NOTHING`,
    sql`INSERT INTO contacts (id, email, name, account_id, created_at, updated_at)
        SELECT value ->> '$.id', value ->> '$.e', value ->> '$.n',
               (SELECT a.id FROM accounts a WHERE a.external_id = value ->> '$.a'), ${now.getTime()}, ${now.getTime()}
        FROM json_each(${JSON.stringify([...people.values()])}) WHERE true ON CONFLICT DO NOTHING`,
  ]);
  const payload = rows.map((r) => ({
    id: r.id,
    e: r.email,
    score: r.score,
    comment: r.comment,
    at: r.at,
    m: bucketOf(r.at, "month", tz),
    q: bucketOf(r.at, "quarter", tz),
    h: bucketOf(r.at, "half", tz),
    p: Object.keys(r.properties).length ? JSON.stringify(r.properties) : null,
    seg: segmentOf(r),
  }));
  // Account attributes as for any answer: from the contact's account (segment: the property
  // when one was named). Nobody may edit imported answers (no edit key).
  // Counted before the insert: D1's `changes` would include the rollup triggers' rows.
  const ids = inList(
    sql`id`,
    rows.map((r) => r.id),
  );
  const before = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM responses WHERE ${ids}`);
  await rawBatch(db, [
    sql`INSERT INTO responses (id, survey_id, contact_id, score, comment, locale, channel, account_id, segment, manager_user_id,
          bucket_month, bucket_quarter, bucket_half, properties, created_at, updated_at)
        SELECT j.value ->> '$.id', ${survey.id}, c.id, j.value ->> '$.score', j.value ->> '$.comment', coalesce(c.locale, ${survey.defaultLocale}), 'import',
               a.id, coalesce(j.value ->> '$.seg', a.segment), a.manager_user_id,
               j.value ->> '$.m', j.value ->> '$.q', j.value ->> '$.h', j.value ->> '$.p', j.value ->> '$.at', j.value ->> '$.at'
        FROM json_each(${JSON.stringify(payload)}) j
        LEFT JOIN contacts c ON c.email = j.value ->> '$.e'
        LEFT JOIN accounts a ON a.id = c.account_id
        WHERE true ON CONFLICT (id) DO NOTHING`,
  ]);
  const after = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM responses WHERE ${ids}`);
  return (after?.n ?? 0) - (before?.n ?? 0);
}
