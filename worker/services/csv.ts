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
 */
export interface CsvLimits {
  maxFieldChars: number;
  maxRecordChars: number;
}

export type CsvRecord =
  | { row: number; fields: string[]; error?: undefined }
  | { row: number; fields?: undefined; error: { code: string; message: string } };

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

  const out: CsvRecord[] = [];
  const endRecord = () => {
    if (error) out.push({ row, error });
    else {
      fields.push(field);
      // A blank line is one empty field: not a record.
      if (!(fields.length === 1 && fields[0] === "")) out.push({ row, fields });
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
          if (ch === ",") {
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
            throw new CsvFatalError(row, "malformed_csv", `row ${row}: a quoted field is not closed (or the row is over ${limits.maxRecordChars} characters)`);
          }
          break;
        case S.QuoteInQuoted:
          if (ch === '"') {
            field += '"';
            state = S.Quoted;
          } else if (ch === ",") {
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
