/**
 * Characters that people type one way and their devices store another: a keyboard types `'` and
 * `"`, a phone or a word processor stores `’` and `« »`. The searches treat each family as one
 * (db/queries/commentSearch.ts, db/queries/nameSearch.ts).
 */

/** The apostrophes a name or a comment is written with; a search with one finds the others. */
export const APOSTROPHES = ["'", "’", "‘", "ʼ"] as const;

/** Other apostrophe and quotation look-alikes, which the comment search never requires as typed. */
export const QUOTE_LIKE = '`´ʹʺʻʽ‚‛“”„‟′″«»‹›＂＇"';
