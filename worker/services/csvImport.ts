/**
 * CSV import of accounts or contacts, streamed: records are read one by one (services/csv.ts),
 * checked, and written in batches of IMPORT_LIMITS.batchRows through the same upserts as the bulk
 * API, with the job's progress saved after each batch.
 *
 * Policy (docs/IMPORT.md): valid rows are kept, bad rows are skipped and reported. A row is written
 * whole or not at all (each batch is one D1 transaction); nothing partial reaches the tables.
 * Problems with the header (unknown, missing or repeated columns) refuse the whole file before
 * anything is written. A duplicated external id: the first row wins, later ones are errors.
 */
import { eq, sql } from "drizzle-orm";
import { importJobs } from "../db/schema";
import type { Db } from "../env";
import { badRequest } from "../lib/errors";
import { newId } from "../lib/ids";
import { dateProblem, textProblem } from "../schemas/common";
import { IMPORT_COLUMNS, IMPORT_LIMITS, type ImportKind } from "../schemas/imports";
import { CsvFatalError, readCsv } from "./csv";
import type { AccountUpsert } from "../schemas/accounts";
import type { ContactUpsert } from "../schemas/contacts";
import { upsertAccounts, upsertWithFallback, type UpsertResult } from "./accountsUpsert";
import { upsertContacts } from "./contactsUpsert";

export interface ImportError {
  row: number;
  field: string;
  code: string;
  message: string;
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
const LOCALE = /^[a-z]{2}([-_][A-Za-z]{2,4})?$/;
const MONEY = /^\d{1,10}(\.\d{1,2})?$/;

function text(v: string, field: string, max: number, required = false): string | null {
  const t = v.trim();
  if (t === "") {
    if (required) throw new RowInvalid(field, "required", `${field} is empty`);
    return null;
  }
  if (t.length > max) throw new RowInvalid(field, "too_long", `${field} is over ${max} characters`);
  // The API's rule for text (schemas/common.ts): every column here is one line.
  const problem = textProblem(t, false);
  if (problem) throw new RowInvalid(field, "invalid_text", `${field} ${problem}`);
  return t;
}

function date(v: string, field: string, required = false): string | null {
  const t = text(v, field, 10, required);
  const problem = t === null ? null : dateProblem(t);
  if (problem) throw new RowInvalid(field, "invalid_date", `${field}: "${t}" ${problem}`);
  return t;
}

/** One CSV record → an upsert row. Columns absent from the file stay undefined (= unchanged). */
/**
 * `decimalComma`: a `;`-separated file comes from a spreadsheet whose decimal mark is `,`
 * (French Excel), so `1234,50` is read as 1234.50 there; `.` is accepted too.
 */
export function rowFor(kind: ImportKind, rec: Record<string, string>, decimalComma = false): AccountUpsert | ContactUpsert {
  const has = (k: string) => rec[k] !== undefined;
  if (kind === "accounts") {
    const row: AccountUpsert = { externalId: text(rec.external_id!, "external_id", 200, true)! };
    row.name = text(rec.name!, "name", 200, true)!;
    row.startedOn = date(rec.started_on!, "started_on", true)!;
    if (has("churned_on")) row.churnedOn = date(rec.churned_on!, "churned_on");
    if (has("segment")) row.segment = text(rec.segment!, "segment", 100);
    if (has("plan")) row.plan = text(rec.plan!, "plan", 100);
    if (has("manager_email")) {
      const e = text(rec.manager_email!, "manager_email", 254);
      if (e !== null && !EMAIL.test(e)) throw new RowInvalid("manager_email", "invalid_email", `manager_email: "${e}" is not an email address`);
      row.managerEmail = e;
    }
    if (has("mrr")) {
      const typed = rec.mrr!.trim();
      const m = decimalComma ? typed.replace(",", ".") : typed;
      if (m !== "") {
        if (!MONEY.test(m))
          throw new RowInvalid("mrr", "invalid_number", `mrr: "${typed}" is not an amount like ${decimalComma ? "1234,50" : "1234.50"}`);
        const [units, cents = ""] = m.split(".");
        row.mrrCents = Number(units) * 100 + Number(cents.padEnd(2, "0"));
      }
    }
    if (row.churnedOn && row.churnedOn < row.startedOn!) throw new RowInvalid("churned_on", "invalid_date", "churned_on is before started_on");
    return row;
  }
  const row: ContactUpsert = { externalId: text(rec.external_id!, "external_id", 200, true)! };
  if (has("email")) {
    const e = text(rec.email!, "email", 254)?.toLowerCase() ?? null;
    if (e !== null && !EMAIL.test(e)) throw new RowInvalid("email", "invalid_email", `email: "${e}" is not an email address`);
    row.email = e;
  }
  if (has("name")) row.name = text(rec.name!, "name", 200);
  if (has("locale")) {
    const l = text(rec.locale!, "locale", 10);
    if (l !== null && !LOCALE.test(l)) throw new RowInvalid("locale", "invalid_locale", `locale: "${l}" is not a language tag like fr or en-GB`);
    row.locale = l;
  }
  if (has("account_external_id")) row.accountExternalId = text(rec.account_external_id!, "account_external_id", 200);
  return row;
}

/** API field names (from the shared upserts) back to CSV column names for the report. */
const COLUMN_OF: Record<string, string> = {
  externalId: "external_id",
  managerEmail: "manager_email",
  managerUserId: "manager_email",
  startedOn: "started_on",
  churnedOn: "churned_on",
  accountExternalId: "account_external_id",
  mrrCents: "mrr",
};

/** Reads and checks the header; refuses the file (400, nothing written) when it is wrong. */
function checkHeader(kind: ImportKind, header: string[]): string[] {
  const cols = header.map((h) => h.trim().toLowerCase());
  const { required, optional } = IMPORT_COLUMNS[kind];
  const seen = new Set<string>();
  for (const c of cols) {
    if (!required.includes(c) && !optional.includes(c)) {
      throw badRequest("unknown_column", `Unknown column "${c}"; ${kind} files may have: ${[...required, ...optional].join(", ")}`, c);
    }
    if (seen.has(c)) throw badRequest("duplicate_column", `Column "${c}" appears twice`, c);
    seen.add(c);
  }
  for (const r of required) if (!seen.has(r)) throw badRequest("missing_column", `Required column "${r}" is missing`, r);
  return cols;
}

export interface ImportOptions {
  today: string;
  createdBy: string | null;
}

export async function importCsv(db: Db, kind: ImportKind, body: ReadableStream<Uint8Array>, opts: ImportOptions) {
  const records = readCsv(body, IMPORT_LIMITS);
  let headerRec: IteratorResult<Awaited<ReturnType<typeof records.next>>["value"]>;
  try {
    headerRec = await records.next();
  } catch (e) {
    if (e instanceof CsvFatalError) throw badRequest(e.code, e.message);
    throw e;
  }
  if (headerRec.done || !headerRec.value) throw badRequest("empty_file", "The file is empty: the first line must name the columns");
  if (headerRec.value.error) throw badRequest("malformed_csv", `header: ${headerRec.value.error.message}`);
  const columns = checkHeader(kind, headerRec.value.fields);
  const separator = headerRec.value.separator;

  const id = newId("imp");
  await db.insert(importJobs).values({ id, kind, status: "running", createdBy: opts.createdBy, createdAt: new Date() }).run();

  let processed = 0;
  let ok = 0;
  let bad = 0;
  const errors: ImportError[] = [];
  const report = (e: ImportError) => {
    bad++;
    if (errors.length < IMPORT_LIMITS.maxReportedErrors) errors.push(e);
  };
  const firstRowOf = new Map<string, number>();
  const firstRowOfEmail = new Map<string, number>();
  let batch: { row: number; data: AccountUpsert | ContactUpsert }[] = [];

  const saveProgress = (status: "running" | "done" | "failed") =>
    db
      .update(importJobs)
      .set({
        status,
        processedRows: processed,
        okRows: ok,
        errorRows: bad,
        errors,
        ...(status === "running" ? {} : { finishedAt: new Date() }),
      })
      .where(eq(importJobs.id, id))
      .run();

  const flush = async () => {
    if (batch.length === 0) return;
    const rows = batch.map((b) => b.data);
    const results: UpsertResult[] =
      kind === "accounts"
        ? await upsertWithFallback(rows as AccountUpsert[], (r) => upsertAccounts(db, r, opts.today))
        : await upsertWithFallback(rows as ContactUpsert[], (r) => upsertContacts(db, r));
    results.forEach((r, i) => {
      if (r.ok) ok++;
      else report({ row: batch[i]!.row, field: COLUMN_OF[r.error.field] ?? r.error.field, code: r.error.code, message: r.error.message });
    });
    batch = [];
    await saveProgress("running");
  };

  try {
    for await (const rec of records) {
      processed++;
      if (processed > IMPORT_LIMITS.maxRows)
        throw new CsvFatalError(rec.row, "too_many_rows", `More than ${IMPORT_LIMITS.maxRows} rows: split the file`);
      if (rec.error) {
        report({ row: rec.row, field: "", ...rec.error });
        continue;
      }
      if (rec.fields.length !== columns.length) {
        report({ row: rec.row, field: "", code: "field_count", message: `${rec.fields.length} fields where the header has ${columns.length}` });
        continue;
      }
      const obj: Record<string, string> = {};
      columns.forEach((c, i) => (obj[c] = rec.fields[i]!));
      let data: AccountUpsert | ContactUpsert;
      try {
        data = rowFor(kind, obj, rec.separator === ";");
      } catch (e) {
        if (!(e instanceof RowInvalid)) throw e;
        report({ row: rec.row, field: e.field, code: e.code, message: e.message });
        continue;
      }
      const first = firstRowOf.get(data.externalId);
      if (first !== undefined) {
        report({
          row: rec.row,
          field: "external_id",
          code: "duplicate_external_id",
          message: `external_id ${data.externalId} already on row ${first}`,
        });
        continue;
      }
      firstRowOf.set(data.externalId, rec.row);
      const email = "email" in data ? data.email : null;
      if (email) {
        const firstEmail = firstRowOfEmail.get(email);
        if (firstEmail !== undefined) {
          report({ row: rec.row, field: "email", code: "duplicate_email", message: `email ${email} already on row ${firstEmail}` });
          continue;
        }
        firstRowOfEmail.set(email, rec.row);
      }
      batch.push({ row: rec.row, data });
      if (batch.length >= IMPORT_LIMITS.batchRows) await flush();
    }
    await flush();
    await saveProgress("done");
  } catch (e) {
    if (e instanceof CsvFatalError) {
      // Same policy as for a bad row: the valid rows read before the break are kept.
      await flush();
      report({ row: e.row, field: "", code: e.code, message: e.message });
    } else report({ row: 0, field: "", code: "internal", message: "The import stopped on an internal error; rows before it were saved" });
    await saveProgress("failed");
    if (!(e instanceof CsvFatalError)) console.error(JSON.stringify({ level: "error", importId: id, error: String(e) }));
  }
  const job = await getImportJob(db, id);
  // The separator found in the header (`;` for a French Excel file), so the page can say so.
  return job && { ...job, separator };
}

export async function getImportJob(db: Db, id: string) {
  const j = await db.select().from(importJobs).where(eq(importJobs.id, id)).get();
  if (!j) return null;
  return {
    id: j.id,
    kind: j.kind,
    status: j.status,
    processedRows: j.processedRows,
    okRows: j.okRows,
    errorRows: j.errorRows,
    errors: j.errors,
    createdAt: j.createdAt.toISOString(),
    finishedAt: j.finishedAt?.toISOString() ?? null,
  };
}

export const recentImports = (db: Db) => db.all<{ id: string }>(sql`SELECT id FROM import_jobs ORDER BY created_at DESC LIMIT 20`);
