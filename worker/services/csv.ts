/**
 * A streaming RFC 4180 reader: bytes in, one record at a time out, so a 100,000-row file never
 * sits in memory whole. Handles quoted fields (commas, quotes doubled as "", line breaks inside
 * quotes), CRLF or LF line ends, and a UTF-8 byte-order mark. Blank lines are skipped.
 *
 * Errors are per record when the reader can find the next record safely (a stray quote inside an
 * unquoted field, text after a closing quote, an over-long field): that record is reported and
 * reading resumes on the next line. An unterminated quote cannot be recovered from (everything after
 * it may be one field), so it is fatal: `CsvFatalError`.
 * Rows are numbered as in a spreadsheet: the header is row 1.
 *
 * The separator is `,` or `;`, decided by the header: the first `,` or `;` outside quotes on row 1
 * wins (a French Excel saves "CSV" with `;`, since `,` is its decimal mark). Header names never
 * hold either, so the guess cannot go wrong on a valid header; `separator` reports it.
 */
export interface CsvLimits {
  maxFieldChars: number;
  maxRecordChars: number;
}

export type CsvSeparator = "," | ";";

export type CsvRecord =
  | { row: number; fields: string[]; error?: undefined; separator: CsvSeparator }
  | { row: number; fields?: undefined; error: { code: string; message: string }; separator: CsvSeparator };

export class CsvFatalError extends Error {
  constructor(
    readonly row: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reader states (plain numbers: the state changes inside closures, which defeats narrowing). */
const S = { FieldStart: 0, Unquoted: 1, Quoted: 2, QuoteInQuoted: 3, SkipLine: 4 } as const;

export async function* readCsv(body: ReadableStream<Uint8Array>, limits: CsvLimits): AsyncGenerator<CsvRecord> {
  // fatal: bytes that are not UTF-8 stop the import instead of turning into U+FFFD silently.
  const reader = body.pipeThrough(new TextDecoderStream("utf-8", { fatal: true })).getReader();
  let state: number = S.FieldStart;
  let field = "";
  let fields: string[] = [];
  let recordChars = 0;
  let row = 1;
  let first = true;
  let afterCR = false;
  let error: { code: string; message: string } | null = null;
  // Undecided until the header shows one (then fixed for the whole file); a one-column header: ",".
  let separator: CsvSeparator | null = null;
  const isSeparator = (ch: string) => {
    if (separator === null && row === 1 && (ch === "," || ch === ";")) separator = ch;
    return ch === separator;
  };

  const out: CsvRecord[] = [];
  const endRecord = () => {
    separator ??= ",";
    if (error) out.push({ row, error, separator });
    else {
      fields.push(field);
      // A blank line is one empty field: not a record.
      if (!(fields.length === 1 && fields[0] === "")) out.push({ row, fields, separator });
      else row--;
    }
    row++;
    field = "";
    fields = [];
    recordChars = 0;
    error = null;
    state = S.FieldStart;
  };
  const fail = (code: string, message: string) => {
    error = { code, message };
    state = S.SkipLine;
  };

  for (;;) {
    let chunk: string;
    try {
      const r = await reader.read();
      if (r.done) break;
      chunk = r.value;
    } catch {
      throw new CsvFatalError(row, "read_failed", "The file could not be read to the end (upload interrupted, or bytes that are not UTF-8)");
    }
    let i = 0;
    if (first) {
      first = false;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    for (; i < chunk.length; i++) {
      const ch = chunk[i]!;
      if (afterCR) {
        afterCR = false;
        if (ch === "\n") continue;
      }
      recordChars++;
      if (state === S.SkipLine) {
        if (ch === "\n" || ch === "\r") {
          afterCR = ch === "\r";
          endRecord();
        }
        continue;
      }
      if (state === S.FieldStart) {
        if (ch === '"') {
          state = S.Quoted;
          continue;
        }
        state = S.Unquoted;
      }
      switch (state) {
        case S.Unquoted:
          if (isSeparator(ch)) {
            fields.push(field);
            field = "";
            state = S.FieldStart;
          } else if (ch === "\n" || ch === "\r") {
            afterCR = ch === "\r";
            endRecord();
          } else if (ch === '"') {
            fail("malformed_csv", `a quote inside an unquoted field (field ${fields.length + 1}); quote the whole field and double the quote`);
          } else field += ch;
          break;
        case S.Quoted:
          if (ch === '"') state = S.QuoteInQuoted;
          else field += ch;
          if (recordChars > limits.maxRecordChars) {
            throw new CsvFatalError(
              row,
              "malformed_csv",
              `row ${row}: a quoted field is not closed (or the row is over ${limits.maxRecordChars} characters)`,
            );
          }
          break;
        case S.QuoteInQuoted:
          if (ch === '"') {
            field += '"';
            state = S.Quoted;
          } else if (isSeparator(ch)) {
            fields.push(field);
            field = "";
            state = S.FieldStart;
          } else if (ch === "\n" || ch === "\r") {
            afterCR = ch === "\r";
            endRecord();
          } else {
            fail("malformed_csv", `text after the closing quote of field ${fields.length + 1}`);
          }
          break;
      }
      if (state !== S.SkipLine && field.length > limits.maxFieldChars) {
        fail("field_too_long", `field ${fields.length + 1} is over ${limits.maxFieldChars} characters`);
      }
      if (out.length > 0) {
        yield* out;
        out.length = 0;
      }
    }
  }
  if (state === S.Quoted) throw new CsvFatalError(row, "malformed_csv", `row ${row}: a quoted field is not closed at the end of the file`);
  if (state !== S.FieldStart || fields.length > 0 || field !== "" || error) endRecord();
  yield* out;
}

// ---------------------------------------------------------------------------------------------
// Writing: the one CSV writer of the API (responses export, wave invitations)
// ---------------------------------------------------------------------------------------------

export type CsvValue = string | number | null | undefined;

/**
 * One CSV field, safe to open in a spreadsheet:
 * - quoted (quotes doubled) when it holds a quote, a comma, a semicolon (a French Excel splits
 *   columns on `;`, so `x;=1+1` unquoted would become a formula cell) or a line break;
 * - text starting with = + - @, tab or CR gets a leading apostrophe, so it stays text;
 * - numbers are written as numbers: a score of 0 is `0`.
 */
export function csvCell(v: CsvValue): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",;\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvRow = (cells: CsvValue[]) => `${cells.map(csvCell).join(",")}\r\n`;

/** `?bom=1`: start with a UTF-8 byte-order mark, without which Excel reads UTF-8 as Windows-1252. */
const BOM = "\uFEFF";

const CHUNK_ROWS = 500;

/** One page of rows and the cursor of the next page (null: this was the last). */
export interface CsvPage<C> {
  rows: CsvValue[][];
  next: C | null;
}

/**
 * A CSV download streamed a page at a time, so a million rows never sit in memory as one string.
 * The first page is read before the response starts: a query that fails there is a JSON error
 * with its status. Once the 200 is sent a later failure cannot change it, so the body then ends
 * with the line `#error: export incomplete after N rows (request <id>)` and the failure is
 * logged: a truncated file always says so.
 */
export async function csvStream<C>(opts: {
  header: string[];
  bom: boolean;
  requestId: string;
  page: (cursor: C | null) => Promise<CsvPage<C>>;
}): Promise<ReadableStream<Uint8Array>> {
  const enc = new TextEncoder();
  let ahead: CsvPage<C> | null = await opts.page(null);
  // The next page, requested as soon as the previous one is in hand, so D1 reads it while the
  // client takes the rows already sent: at most two pages in memory.
  let pending: Promise<CsvPage<C>> | null = null;
  let written = 0;
  return new ReadableStream<Uint8Array>({
    start(ctl) {
      ctl.enqueue(enc.encode((opts.bom ? BOM : "") + csvRow(opts.header)));
    },
    // Pulled as the client reads: one page per pull.
    async pull(ctl) {
      let page: CsvPage<C>;
      try {
        page = ahead ?? (await pending!);
      } catch (err) {
        console.error(
          JSON.stringify({ level: "error", requestId: opts.requestId, message: "CSV export failed mid-stream", rows: written, error: String(err) }),
        );
        ctl.enqueue(enc.encode(`#error: export incomplete after ${written} rows (request ${opts.requestId})\r\n`));
        return ctl.close();
      }
      ahead = null;
      pending = page.next === null ? null : opts.page(page.next);
      // Its failure is reported by the pull that awaits it, not as an unhandled rejection now.
      pending?.catch(() => {});
      // At most CHUNK_ROWS rows per chunk, so a large page still reaches the client in pieces.
      for (let i = 0; i < page.rows.length; i += CHUNK_ROWS)
        ctl.enqueue(
          enc.encode(
            page.rows
              .slice(i, i + CHUNK_ROWS)
              .map(csvRow)
              .join(""),
          ),
        );
      written += page.rows.length;
      if (page.next === null) ctl.close();
    },
  });
}
