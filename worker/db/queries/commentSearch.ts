/**
 * Comment search through the FTS5 index (migrations/0008_comments_fts.sql): accents and case
 * folded, each word of the query matched as a word prefix ("tres bon" finds "Très bonne
 * réponse"), every word required; punctuation and symbols typed in the query (`%_`, `|`, `-`)
 * must appear as typed, so `50%` does not find `50 €` (test/api/search.test.ts). Two French
 * exceptions, since a phone or a word processor types what a keyboard does not:
 * - apostrophes and quotation marks separate words and are not required (`l'équipe` finds
 *   `l’équipe`, `"top"` finds `« top »`);
 * - œ and æ are the same as oe and ae (`coeur` finds `cœur`, `œuvre` finds `mise en oeuvre`):
 *   unicode61 keeps a ligature as one letter, so each word with one is searched both ways.
 * The user's text never reaches FTS5's query syntax: it is cut
 * into words the way the index's tokenizer cuts them, and each word is quoted, so operators,
 * quotes, parentheses or a column filter typed by someone are plain text. A query with no word at
 * all (only punctuation, say "%%" or "?!") is matched as a substring instead (textSearch.ts, as
 * the other lists search), so any q the API accepts gets an answer.
 */
import { and, sql, type SQL } from "drizzle-orm";
import { ftsTokens } from "../../domain/ftsTokens";
import { APOSTROPHES, QUOTE_LIKE } from "../../domain/typography";
import { responses } from "../schema";
import { containsText } from "./textSearch";

/** Letters and digits are what unicode61 keeps; everything else separates words. */
const NOT_WORD = /[^\p{L}\p{N}\p{M}]+/u;
/**
 * Runs of punctuation and symbols (`%_`, `-`, `|`): the index ignores them, so they are checked as
 * typed. Not apostrophes and quotation marks, which are typed one way and stored another.
 */
const PUNCTUATION = new RegExp(`[^\\p{L}\\p{N}\\p{M}\\s${APOSTROPHES.join("")}${QUOTE_LIKE}]+`, "gu");

/** Where a word may hold a ligature, either way: oe or œ, ae or æ, in any case. */
const LIGATURE_SPOT = /(oe|œ|ae|æ)/iu;
const OTHER_WAY: Record<string, string> = { oe: "œ", œ: "oe", ae: "æ", æ: "ae" };
/** With more spots than this in one word, only the word as typed, all joined and all split. */
const MAX_SPOTS = 3;

/** The spellings of one search word that the index tells apart but a reader does not (`coeur`, `cœur`). */
export function spellings(word: string): string[] {
  const parts = word.split(LIGATURE_SPOT); // the spots at odd indexes
  const swap = (p: string) => OTHER_WAY[p.toLowerCase()]!;
  const each = (pick: (spot: string) => string) => parts.map((p, i) => (i % 2 ? pick(p) : p)).join("");
  const spots = (parts.length - 1) / 2;
  if (spots > MAX_SPOTS) return [...new Set([word, each((p) => (p.length === 2 ? swap(p) : p)), each((p) => (p.length === 1 ? swap(p) : p))])];
  let out = [""];
  parts.forEach((p, i) => {
    out = i % 2 ? out.flatMap((s) => [s + p, s + swap(p)]) : out.map((s) => s + p);
  });
  return out;
}

/** The FTS5 MATCH expression for a user's text, or null when it has no word. */
export function ftsQuery(text: string): string | null {
  const words = text.normalize("NFC").split(NOT_WORD).filter(Boolean);
  if (words.length === 0) return null;
  const quoted = (w: string) => `"${w.replaceAll('"', '""')}"*`;
  return words
    .map((w) => {
      const ways = spellings(w);
      return ways.length === 1 ? quoted(w) : `(${ways.map(quoted).join(" OR ")})`;
    })
    .join(" AND "); // FTS5 takes no implicit AND before a parenthesis
}

/** SQL condition: this answer's comment matches the user's text. */
export function commentMatches(text: string): SQL {
  const match = ftsQuery(text);
  if (match === null) return containsText([responses.comment], text);
  const punctuation = [...new Set(text.match(PUNCTUATION) ?? [])];
  return and(
    sql`${responses}.rowid IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH ${match})`,
    // Only among the answers the index found, so this costs a few rows, never a scan.
    ...punctuation.map((p) => sql`instr(${responses.comment}, ${p}) > 0`),
  )!;
}

/**
 * The same search as commentMatches, as a test on one comment's text (for the search that walks
 * answers in time order, worker/services/commentsList.ts): true or false, or null when the
 * comment holds a character the JavaScript tokenizer is not proven on (domain/ftsTokens.ts), and
 * the caller must ask FTS5. Null instead of a test when the text has no word, or a word that is
 * not exactly one proven word of the index: the caller then asks FTS5 for everything.
 */
export function commentMatcher(text: string): ((comment: string) => boolean | null) | null {
  const words: string[][] = [];
  for (const w of text.normalize("NFC").split(NOT_WORD).filter(Boolean)) {
    const ways: string[] = [];
    for (const spelling of spellings(w)) {
      const tokens = ftsTokens(spelling);
      if (tokens?.length !== 1 || !tokens[0]) return null;
      ways.push(tokens[0]);
    }
    words.push(ways);
  }
  if (words.length === 0) return null;
  const punctuation = [...new Set(text.match(PUNCTUATION) ?? [])];
  return (comment) => {
    const tokens = ftsTokens(comment);
    if (tokens === null) return null;
    return words.every((ways) => tokens.some((t) => ways.some((w) => t.startsWith(w)))) && punctuation.every((p) => comment.includes(p));
  };
}
