/**
 * The comment index's tokenizer (FTS5 `unicode61 remove_diacritics 2`, migrations/0008) redone in
 * JavaScript, for the characters where the two are proven to agree, so the comment search can
 * test answers one by one while it walks them in time order (worker/services/commentsList.ts).
 *
 * The rule: letters, digits and marks (`\p{L}\p{N}\p{M}`) make words, everything else separates
 * them; each character is folded on its own (decomposed, its marks dropped, lower-cased), so
 * "Très" is the word "tres". unicode61 applies Unicode 6.1's categories and its own folding
 * tables, which differ from this rule for some characters (µ, ſ, several combining marks, most
 * scripts other than Latin, emoji added after 6.1). PROVEN lists the code points where they are
 * the same: test/api/ftsTokens.test.ts indexes every one of them in the real FTS5 (workerd's
 * SQLite) and compares the words it keeps. Both tokenizers work one code point at a time, so
 * agreement on every single code point is agreement on every text made of them. A text with
 * any other code point gets null: the caller must ask FTS5 itself.
 */

/** Inclusive ranges of code points, sorted: where the rule above is unicode61's (measured). */
export const PROVEN: readonly (readonly [number, number])[] = [
  [0x1, 0xb4],
  [0xb6, 0x17e],
  [0x180, 0x1df],
  [0x1e4, 0x1ed],
  [0x1f0, 0x1fb],
  [0x200, 0x304],
  [0x306, 0x30c],
  [0x30f, 0x30f],
  [0x311, 0x311],
  [0x31b, 0x31b],
  [0x323, 0x328],
  [0x32d, 0x32e],
  [0x330, 0x331],
  [0x2000, 0x2064],
  [0x206a, 0x2071],
  [0x2074, 0x208e],
  [0x2090, 0x209c],
  [0x20a0, 0x20b9],
  [0x2100, 0x2189],
  [0x2190, 0x23f3],
  [0x2400, 0x2426],
  [0x2440, 0x244a],
  [0x2460, 0x26ff],
  [0x2701, 0x2b4c],
  [0x2b50, 0x2b59],
  [0x1f300, 0x1f320],
  [0x1f330, 0x1f335],
  [0x1f337, 0x1f37c],
  [0x1f380, 0x1f393],
  [0x1f3a0, 0x1f3c4],
  [0x1f3c6, 0x1f3ca],
  [0x1f3e0, 0x1f3f0],
  [0x1f400, 0x1f43e],
  [0x1f440, 0x1f440],
  [0x1f442, 0x1f4f7],
  [0x1f4f9, 0x1f4fc],
  [0x1f500, 0x1f53d],
  [0x1f540, 0x1f543],
  [0x1f550, 0x1f567],
  [0x1f5fb, 0x1f640],
  [0x1f645, 0x1f64f],
  [0x1f680, 0x1f6c5],
];

export function isProven(cp: number): boolean {
  let lo = 0;
  let hi = PROVEN.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [a, b] = PROVEN[mid]!;
    if (cp < a) hi = mid - 1;
    else if (cp > b) lo = mid + 1;
    else return true;
  }
  return false;
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;
const MARKS = /\p{M}/gu;

/** One character as the index keeps it inside a word ("" for a mark it drops); null: it separates words. */
const foldChar = (ch: string): string | null => (WORD_CHAR.test(ch) ? ch.normalize("NFD").replace(MARKS, "").toLowerCase() : null);

/** foldChar of every proven code point met so far (a few hundred in practice), and of ASCII up front. */
const folded = new Map<number, string | null>();
for (let c = 1; c < 0x80; c++) folded.set(c, foldChar(String.fromCharCode(c)));

/**
 * The words the index keeps for `text`, in order, or null when `text` holds a code point outside
 * PROVEN. A word made only of dropped marks is kept as "" (it can match no search word).
 */
export function ftsTokens(text: string): string[] | null {
  const words: string[] = [];
  let word: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    let f = folded.get(cp);
    if (f === undefined) {
      if (!isProven(cp)) return null;
      f = foldChar(String.fromCodePoint(cp));
      folded.set(cp, f);
    }
    if (f !== null) word = word === null ? f : word + f;
    else if (word !== null) {
      words.push(word);
      word = null;
    }
  }
  if (word !== null) words.push(word);
  return words;
}
