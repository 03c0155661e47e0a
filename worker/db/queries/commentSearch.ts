/**
 * Comment search through the FTS5 index (migrations/0008_comments_fts.sql): accents and case
 * folded, each word of the query matched as a word prefix ("tres bon" finds "Très bonne
 * réponse"), every word required; punctuation and symbols typed in the query (`%_`, `|`, `-`)
 * must appear as typed, so `50%` does not find `50 €` (test/api/search.test.ts). The user's text never reaches FTS5's query syntax: it is cut
 * into words the way the index's tokenizer cuts them, and each word is quoted, so operators,
 * quotes, parentheses or a column filter typed by someone are plain text. A query with no word at
 * all (only punctuation, say "%%" or "?!") is matched as a substring instead (textSearch.ts, as
 * the other lists search), so any q the API accepts gets an answer.
 */
import { and, sql, type SQL } from "drizzle-orm";
import { ftsTokens } from "../../domain/ftsTokens";
import { responses } from "../schema";
import { containsText } from "./textSearch";

/** Letters and digits are what unicode61 keeps; everything else separates words. */
const NOT_WORD = /[^\p{L}\p{N}\p{M}]+/u;
/** Runs of punctuation and symbols (`%_`, `-`, `|`): the index ignores them, so they are checked as typed. */
const PUNCTUATION = /[^\p{L}\p{N}\p{M}\s]+/gu;

/** The FTS5 MATCH expression for a user's text, or null when it has no word. */
export function ftsQuery(text: string): string | null {
  const words = text.normalize("NFC").split(NOT_WORD).filter(Boolean);
  if (words.length === 0) return null;
  return words.map((w) => `"${w.replaceAll('"', '""')}"*`).join(" ");
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
  const words: string[] = [];
  for (const w of text.normalize("NFC").split(NOT_WORD).filter(Boolean)) {
    const tokens = ftsTokens(w);
    if (tokens?.length !== 1 || !tokens[0]) return null;
    words.push(tokens[0]);
  }
  if (words.length === 0) return null;
  const punctuation = [...new Set(text.match(PUNCTUATION) ?? [])];
  return (comment) => {
    const tokens = ftsTokens(comment);
    if (tokens === null) return null;
    return words.every((w) => tokens.some((t) => t.startsWith(w))) && punctuation.every((p) => comment.includes(p));
  };
}
