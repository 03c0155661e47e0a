/**
 * fast-check arbitraries for the route fuzz (test/api/fuzz-all.test.ts): bodies derived from the
 * JSON Schema zod gives for each operation, then mutated; raw non-JSON bodies; query strings;
 * headers; CSV files for the imports; path ids. Everything is deterministic under a fixed seed.
 */
import fc from "fast-check";

type Json = Record<string, any>;
/** Real values by field name (`surveyId` → the fixture surveys), so valid-ish input finds real rows. */
export type Known = Record<string, unknown[]>;

/** Strings that have broken parsers, validators or storage somewhere before. */
const NASTY = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\uD800",
  "x\uDFFFy",
  "\uFFFD",
  "\u0007\u001b[31m",
  "\u0085\u009f",
  "💥🙂👩‍👩‍👧",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "%",
  "_",
  "\\",
  "%00",
  "%E0%A4%A",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "0x10",
  "__proto__",
  "constructor",
  "null",
  "true",
  "0000-00-00",
  "2026-02-30",
  "9999-12-31",
  "1900-01-01",
  "+275760-09-13",
  '=HYPERLINK("http://x")',
  "\r\n",
  "\t",
  "‮evil",
];

/** Long strings, around the usual caps (200, 500, 2000, 5000, 64 KiB). */
const hugeString = fc
  .constantFrom(201, 501, 2001, 5001, 20_001, 70_000)
  .chain((n) => fc.constantFrom("a", "é", "💥", "\u0000", "\uD800").map((c) => c.repeat(Math.ceil(n / c.length))));

export const weirdString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...NASTY), fc.string({ maxLength: 10 })).map(([a, b]) => a + b) },
);

export const weirdNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 1e308, -1e308, 2 ** 31, 2 ** 53, -(2 ** 63), 1e21, Number.MIN_VALUE, 86_400_000 * 1e8),
  fc.double(),
  fc.integer(),
);

/** Any JSON value, wrong types and nesting included. */
export const junk: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    weirdString,
    weirdNumber,
    fc.constantFrom(null, true, false),
    fc.array(tie("v"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(weirdString, fc.constantFrom("__proto__", "constructor", "id", "toString")), tie("v"), { maxKeys: 4 }),
  ),
})).v;

const ISO_DATE = fc.oneof(
  fc.date({ min: new Date("1971-01-01"), max: new Date("2035-12-31"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  fc.constantFrom("2026-01-15", "2025-12-31", "2024-02-29"),
);

/** Field names that take a YYYY-MM-DD date, though their schema (a zod refine) only says "string". */
const DATE_FIELD = /(On|deadline|^from|^to)$/;
/**
 * URL fields get closed local ports only: a valid random https:// URL would make the Worker
 * deliver webhooks to the internet (offline here: slow timeouts, not findings).
 */
const URL_FIELD = /(url|Url)$/;
export const DEAD_URLS = ["http://127.0.0.1:9/hook", "https://127.0.0.1:9/slack"];

/**
 * A value that (mostly) satisfies a JSON Schema as produced by `z.toJSONSchema`: just enough to
 * get past validation often, so the fuzz reaches the code behind it.
 */
export function validish(schema: Json | undefined, known: Known = {}, name = "", depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 5) return junk;
  const real = known[name];
  if (real && real.length > 0) {
    return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...real) }, { weight: 1, arbitrary: validish(schema, {}, name, depth) });
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  const alts = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alts) && alts.length > 0) return fc.oneof(...alts.map((s: Json) => validish(s, known, name, depth + 1)));
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) return validish(schema.allOf[0], known, name, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer":
    case "number": {
      const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1000);
      const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : 1000);
      const lo = Math.max(min, -1e9);
      const hi = Math.min(max, 1e9);
      return type === "integer" ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }) : fc.double({ min: lo, max: hi, noNaN: true });
    }
    case "string": {
      if (schema.format === "email") return fc.emailAddress().filter((e) => e.length <= (schema.maxLength ?? 254));
      if (schema.format === "uuid") return fc.uuid({ version: 4 });
      if (DATE_FIELD.test(name)) return ISO_DATE;
      if (URL_FIELD.test(name)) return fc.constantFrom(...DEAD_URLS);
      if (typeof schema.pattern === "string") {
        try {
          return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 1000));
        } catch {
          /* a pattern fast-check cannot generate from: fall through */
        }
      }
      const minLength = schema.minLength ?? 0;
      const maxLength = Math.min(schema.maxLength ?? 40, 40);
      const short = fc.string({ unit: "grapheme-ascii", minLength: Math.max(minLength, 1), maxLength: Math.max(maxLength, minLength, 1) });
      if (schema.maxLength === undefined) return short;
      // Exactly at the cap, in the characters that grow when escaped (LIKE patterns, JSON, CSV).
      const atCap = fc.constantFrom("a", "%", "_", "\\", '"', "é", "💥").map((c) => c.repeat(schema.maxLength).slice(0, schema.maxLength));
      // Nasty content that fits the cap: control characters, lone surrogates, bidi overrides…
      const nasty = fc.constantFrom(...NASTY.filter((x) => x.length >= minLength && x.length <= schema.maxLength));
      return fc.oneof({ weight: 4, arbitrary: short }, { weight: 1, arbitrary: atCap }, { weight: 1, arbitrary: nasty });
    }
    case "array": {
      const item = validish(schema.items, known, name, depth + 1);
      const minLength = schema.minItems ?? 0;
      return fc.array(item, { minLength, maxLength: Math.max(minLength, Math.min(schema.maxItems ?? 3, 3)) });
    }
    default: {
      const props: Record<string, Json> = schema.properties ?? {};
      const required: string[] = schema.required ?? [];
      if (Object.keys(props).length === 0 && typeof schema.additionalProperties === "object") {
        const keys = schema.propertyNames ? validish(schema.propertyNames, known, "", depth + 1) : fc.string({ minLength: 1, maxLength: 10 });
        return fc.dictionary(keys as fc.Arbitrary<string>, validish(schema.additionalProperties, known, "", depth + 1), { maxKeys: 3 });
      }
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) record[k] = validish(s, known, k, depth + 1);
      // Optional keys are left out more often than not: every extra field is one more way to be
      // rejected before the code behind validation runs.
      const present = fc.oneof({ weight: 2, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) });
      const picks = Object.fromEntries(Object.keys(record).map((k) => [k, required.includes(k) ? fc.constant(true) : present]));
      return fc.tuple(fc.record(record), fc.record(picks)).map(([o, keep]) => Object.fromEntries(Object.entries(o).filter(([k]) => keep[k])));
    }
  }
}

/** One or two fields broken (a nasty value, a wrong type, an unknown key, a deleted key). */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const edit = fc.record({
    kind: fc.constantFrom("replace", "replace", "add", "delete", "nest"),
    pick: fc.nat(),
    value: junk,
    key: fc.oneof(fc.constantFrom("__proto__", "constructor", "extra", "id", ""), weirdString),
  });
  return fc.tuple(valid, fc.array(edit, { minLength: 1, maxLength: 2 })).map(([base, edits]) => {
    if (base === null || typeof base !== "object" || Array.isArray(base)) return edits[0]!.value;
    const o: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const e of edits) {
      const keys = Object.keys(o);
      const k = keys.length > 0 ? keys[e.pick % keys.length]! : e.key;
      if (e.kind === "replace") o[k] = e.value;
      else if (e.kind === "add") Object.defineProperty(o, e.key, { value: e.value, enumerable: true, writable: true, configurable: true });
      else if (e.kind === "delete") delete o[k];
      else o[k] = { [e.key]: e.value, deeper: [o[k], e.value] };
    }
    return o;
  });
}

/** A JSON body for an operation: valid-ish, mutated, or pure junk. */
export const jsonBody = (schema: Json | undefined, known: Known = {}): fc.Arbitrary<unknown> =>
  schema
    ? fc.oneof(
        { weight: 4, arbitrary: validish(schema, known) },
        { weight: 4, arbitrary: mutated(validish(schema, known)) },
        { weight: 1, arbitrary: junk },
        // An empty object: a PATCH that changes nothing once broke an UPDATE without a SET.
        { weight: 1, arbitrary: fc.constant({}) },
      )
    : fc.oneof(junk, fc.constant({}));

/** Bodies that are not JSON at all, or JSON cut short. */
export const rawBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("", "{", "[", '{"a":', "null", '"x"', "a=1&b=2", "\u0000", '{"__proto__":{"x":1}}', "[]".repeat(5000), "[".repeat(10_000)),
  fc.string({ unit: "binary", maxLength: 200 }),
  junk.map((v) => (JSON.stringify(v) ?? "").slice(0, 30)),
);

/** A query string: the operation's query schema filled valid-ish (some values nasty), plus random keys. */
export function queryString(schema: Json | undefined, known: Known = {}): fc.Arbitrary<string> {
  const text = (v: unknown) => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""));
  const randomPair = fc.tuple(
    fc.oneof(weirdString, fc.constantFrom("include", "limit", "before", "q", "surveyId", "manager", "t", "l")),
    weirdString,
  );
  const base = schema
    ? validish(schema, known).map((o) => (o && typeof o === "object" ? Object.entries(o).map(([k, v]) => [k, text(v)] as [string, string]) : []))
    : fc.constant([] as [string, string][]);
  const edit = fc.record({ pick: fc.nat(), value: weirdString });
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc.tuple(base, fc.array(edit, { maxLength: 2 }), fc.array(randomPair, { maxLength: 1 })).map(([pairs, edits, extra]) => {
        const out = [...pairs];
        for (const e of edits) if (out.length > 0) out[e.pick % out.length]![1] = e.value;
        return new URLSearchParams([...out, ...extra]).toString();
      }),
    },
    // Raw, not URL-encoded by us: broken percent escapes, repeated keys, brackets.
    { weight: 1, arbitrary: fc.constantFrom("%zz", "a=%E0%A4%A", "limit=1&limit=2", "a[b]=1", "&&=&", "q=%00", "before=%FF%FE", "q=%ED%A0%80") },
  );
}

/**
 * Header values: printable ASCII (without CR, LF or NUL fetch itself throws; non-ASCII is
 * re-encoded by the test client, so it would not reach the Worker as sent).
 */
const headerValue = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 60 }),
  fc.constantFrom(
    "",
    "x".repeat(8000),
    "Bearer",
    "Bearer ",
    "Bearer \t x",
    "Basic Zm9vOmJhcg==",
    "Bearer " + "k".repeat(201),
    "Bearer bm_" + "0".repeat(40),
  ),
);

/** Changes to the caller's normal headers; each is rare, so most requests still reach the handler. */
export interface HeaderEdits {
  contentType?: string;
  origin?: string;
  authorization?: string;
  cookie?: string;
  csrf?: "omit" | "garbage";
  extra: [string, string][];
}

const rarely = <T>(arb: fc.Arbitrary<T>, odds = 5): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: odds, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

export const headerEdits = (origins: string[]): fc.Arbitrary<HeaderEdits> =>
  fc.record({
    contentType: rarely(
      fc.oneof(
        fc.constantFrom(
          "application/json",
          "text/plain",
          "text/csv",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
          "application/json; charset=utf-16",
          "text/csv; charset=latin1",
          "",
        ),
        headerValue,
      ),
      4,
    ),
    origin: rarely(fc.oneof(fc.constantFrom(...origins, "null", "https://evil.example", "http://localhost"), headerValue), 2),
    authorization: rarely(headerValue, 8),
    cookie: rarely(fc.oneof(fc.constantFrom("bm_session=", "bm_session=x; bm_session=y", "bm_session=" + "z".repeat(300)), headerValue), 8),
    csrf: rarely(fc.constantFrom("omit" as const, "garbage" as const), 8),
    extra: fc.array(
      fc.tuple(
        fc.constantFrom(
          "accept-language",
          "user-agent",
          "x-forwarded-for",
          "referer",
          "accept",
          "if-none-match",
          "x-requested-with",
          "cf-connecting-ip",
        ),
        headerValue,
      ),
      { maxLength: 2 },
    ),
  });

/** Values for one CSV column: plausible, or the cells that break importers. */
function csvCell(column: string): fc.Arbitrary<string> {
  const plausible = column.endsWith("_on")
    ? ISO_DATE
    : column === "email" || column === "manager_email"
      ? fc.emailAddress()
      : column === "mrr"
        ? fc.oneof(fc.nat({ max: 100_000 }).map(String), fc.constantFrom("1 234,50", "12.5", "-3", "1e9", "€12"))
        : column === "locale"
          ? fc.constantFrom("fr", "en-GB", "xx_YYYY", "")
          : column.endsWith("external_id")
            ? fc.stringMatching(/^fz-[a-z0-9]{1,6}$/)
            : fc.string({ unit: "grapheme-ascii", minLength: 1, maxLength: 20 });
  const nasty = fc.oneof(
    weirdString.map((s) => s.slice(0, 3000)),
    fc.constantFrom(
      '"',
      '""',
      'a"b',
      '"unterminated',
      "line\nbreak",
      "cr\rcr",
      "=1+1",
      "+SUM(A1)",
      "-2+3",
      "@cmd",
      "\tTAB",
      "a;b",
      "a,b",
      "x".repeat(2001),
    ),
  );
  return fc.oneof({ weight: 3, arbitrary: plausible }, { weight: 1, arbitrary: nasty });
}

const quoteCsv = (cell: string, sep: string) => (/["\r\n]/.test(cell) || cell.includes(sep) ? `"${cell.replaceAll('"', '""')}"` : cell);

/** A CSV file for an import kind: header from the documented columns (some missing, some unknown). */
export function csvFile(columns: { required: string[]; optional: string[] }): fc.Arbitrary<string> {
  const all = [...columns.required, ...columns.optional];
  return fc
    .record({
      header: fc.oneof(
        {
          weight: 4,
          arbitrary: fc
            .shuffledSubarray(columns.optional)
            .chain((opt) => fc.shuffledSubarray([...columns.required, ...opt], { minLength: columns.required.length + opt.length })),
        },
        { weight: 1, arbitrary: fc.shuffledSubarray(all, { minLength: 1 }) },
        {
          weight: 1,
          arbitrary: fc.array(
            fc.oneof(
              fc.constantFrom(...all, "unknown", "", "external_id"),
              weirdString.map((s) => s.slice(0, 50)),
            ),
            { minLength: 1, maxLength: 6 },
          ),
        },
      ),
      sep: fc.constantFrom(",", ",", ";", ";", "\t", "|"),
      eol: fc.constantFrom("\n", "\r\n", "\r"),
      bom: fc.boolean(),
      quoteAll: fc.boolean(),
      rows: fc.nat({ max: 12 }),
      seed: fc.nat(),
      trailer: fc.constantFrom("", "", "\n", '"', ";;;", "\u0000"),
    })
    .chain((f) =>
      fc.array(fc.tuple(...f.header.map((h) => csvCell(h))), { minLength: f.rows, maxLength: f.rows }).map((rows) => {
        const line = (cells: string[]) => cells.map((c) => (f.quoteAll ? `"${c.replaceAll('"', '""')}"` : quoteCsv(c, f.sep))).join(f.sep);
        return (f.bom ? "\uFEFF" : "") + [line(f.header), ...rows.map((r) => line(r as string[]))].join(f.eol) + f.trailer;
      }),
    );
}

/** A path parameter: a real id most of the time, else something nobody would send. */
export const pathParam = (real: string[]): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: real.length > 0 ? 6 : 0, arbitrary: real.length > 0 ? fc.constantFrom(...real) : fc.constant("x") },
    { weight: 2, arbitrary: weirdString.map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, "\uFFFD"))) },
    {
      weight: 1,
      arbitrary: fc.constantFrom("%E0%A4%A", "%ED%A0%80", "%00", "%", "..", "%2e%2e", "%2F", "0", "-1", "null", "me", "none", "a".repeat(300)),
    },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z]{3}_[A-Za-z0-9]{1,30}$/) },
  );

/** An HTML form post (the link page's): the schema's fields flattened, valid-ish or nasty. */
export function formBody(schema: Json | undefined, known: Known = {}): fc.Arbitrary<string> {
  const fields = fc.record({
    id: fc.oneof(fc.uuid({ version: 4 }), weirdString),
    score: fc.oneof(fc.integer({ min: 0, max: 10 }).map(String), weirdString),
    comment: fc.oneof(fc.string({ maxLength: 50 }), weirdString),
    t: fc.oneof(...(known.token?.length ? [fc.constantFrom(...(known.token as string[]))] : []), weirdString),
    channel: fc.constantFrom("link", "email", "widget", "x"),
  });
  const base = schema ? validish(schema, known) : fc.constant({});
  return fc.tuple(fields, base, fc.array(fc.tuple(weirdString, weirdString), { maxLength: 2 })).map(([f, b, extra]) => {
    const pairs: [string, string][] = [
      ...Object.entries(f),
      ...Object.entries(b && typeof b === "object" ? b : {}).map(
        ([k, v]) => [k, typeof v === "string" ? v : (JSON.stringify(v) ?? "")] as [string, string],
      ),
      ...extra,
    ];
    return pairs
      .map(([k, v]) => `${encodeURIComponent(k.replace(/[\uD800-\uDFFF]/g, "?"))}=${encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, "?"))}`)
      .join("&");
  });
}
