/**
 * Searching accounts (name, external id) and contacts (name, e-mail, external id): `q` found
 * anywhere in one of the columns, taken literally, accents and case folded, through the trigram
 * indexes of migrations/0022_accounts_contacts_search.sql (`societe` finds `Société Générale`,
 * `élodie` finds `ÉLODIE Martin`), so a search reads the matching rows, not every row.
 *
 * - The text is one quoted FTS5 string (a `"` doubled), so `%`, `_`, `\`, quotes, parentheses,
 *   `OR`, `NEAR` or `name:` typed by someone are plain text, and a trigram phrase is a substring
 *   (its trigrams, consecutive). With an apostrophe, one such string per kind of apostrophe.
 * - Folding is FTS5's: case through Unicode 6.1's tables; accents (remove_diacritics 1) of Latin
 *   letters, precomposed or followed by a combining mark. Elsewhere it differs from "decompose,
 *   drop every mark, lower-case" (docs/SCALING.md lists the differences, test/api/nameSearch.test.ts
 *   holds the two to the same answers on Latin names, e-mails and punctuation).
 * - Trigram matches nothing below 3 characters, so a `q` that is shorter once the tokenizer drops
 *   its combining marks takes the old path (textSearch.ts: instr over lower(), A–Z folded only,
 *   accents as typed) and reads the list's rows until its page is full, all of them for a rare text. Folding that path exactly would
 *   need the Unicode tables in SQL; D1 has no ICU, and a GLOB of folded classes is refused as too
 *   complex (docs/SCALING.md).
 */
import { sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { APOSTROPHES } from "../../domain/typography";
import { containsText } from "./textSearch";

/** The indexes of migrations/0022_accounts_contacts_search.sql. */
export type NameIndex = "accounts_fts" | "contacts_fts";

/**
 * The combining marks the trigram tokenizer drops with remove_diacritics 1: twenty-five of
 * U+0300–U+0331 (grave, acute, circumflex, tilde, macron, breve, dot, diaeresis, ring, caron,
 * cedilla, ogonek …; SQLite's sqlite3Fts5UnicodeIsdiacritic). It drops NUL too, which no text
 * the API accepts holds. Every other code point is one character. test/api/nameSearch.test.ts
 * indexes every code point in workerd's FTS5 and checks that these, and only these, are dropped.
 */
export const TRIGRAM_DROPS = /[\u0300-\u0304\u0306-\u030c\u030f\u0311\u031b\u0323-\u0328\u032d\u032e\u0330\u0331]/gu;

/** How many characters the tokenizer sees in `q`: trigram needs at least 3. */
export const trigramLength = (q: string): number => [...q.replace(TRIGRAM_DROPS, "")].length;

/**
 * Apostrophes, typed one way on a keyboard and stored another by a phone or a word processor
 * (`L'Oréal`, `L’Oréal`): a `q` with one is searched with each of them (the same one at every
 * place), as the comment search does.
 */
const ANY_APOSTROPHE = new RegExp(`[${APOSTROPHES.join("")}]`, "gu");
const HAS_APOSTROPHE = new RegExp(`[${APOSTROPHES.join("")}]`, "u");

/** The MATCH string for `q` (one quoted phrase, or an OR of its apostrophes), or null when the index cannot answer it. */
export function trigramQuery(q: string): string | null {
  if (trigramLength(q) < 3) return null;
  const quote = (text: string) => `"${text.replaceAll('"', '""')}"`;
  if (!HAS_APOSTROPHE.test(q)) return quote(q);
  return APOSTROPHES.map((a) => quote(q.replace(ANY_APOSTROPHE, a))).join(" OR ");
}

/**
 * SQL condition: the row whose rowid is `rowid` holds `q` in one of `columns` (the index's own
 * columns, for the short path). Callers that choose a plan by it ask trigramQuery first.
 */
export function nameMatches(index: NameIndex, rowid: SQL, columns: (SQL | SQLiteColumn)[], q: string): SQL {
  const match = trigramQuery(q);
  if (match === null) return containsText(columns, q);
  const fts = sql.raw(index);
  return sql`${rowid} IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${match})`;
}
