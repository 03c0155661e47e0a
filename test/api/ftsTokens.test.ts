/**
 * The JavaScript tokenizer of domain/ftsTokens.ts against the real FTS5 of workerd's SQLite, code
 * point by code point: every code point in PROVEN is indexed between two letters by a table with
 * the comment index's own `tokenize` setting, and the words FTS5 keeps (read through fts5vocab)
 * must be the ones ftsTokens gives. The comment search's walk (services/commentsList.ts) is exact
 * because of this.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { commentMatcher } from "../../worker/db/queries/commentSearch";
import { ftsTokens, isProven, PROVEN } from "../../worker/domain/ftsTokens";

/** The `tokenize = …` of the comment index as the migration created it. */
async function indexTokenizer(): Promise<string> {
  const row = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE name = 'comments_fts'").first<{ sql: string }>();
  const m = row?.sql.match(/tokenize\s*=\s*("[^"]*"|'[^']*')/);
  if (!m) throw new Error(`no tokenize clause in ${row?.sql}`);
  return m[1]!;
}

describe("the comment index's tokenizer, redone in JavaScript", () => {
  it("keeps the same words as FTS5 for every proven code point", async () => {
    const tokenize = await indexTokenizer();
    expect(tokenize).toContain("remove_diacritics 2");
    await env.DB.prepare(`CREATE VIRTUAL TABLE tok_probe USING fts5(c, tokenize = ${tokenize})`).run();
    await env.DB.prepare("CREATE VIRTUAL TABLE tok_probe_words USING fts5vocab(tok_probe, 'instance')").run();
    const points: number[] = [];
    for (const [a, b] of PROVEN) for (let cp = a; cp <= b; cp++) points.push(cp);
    expect(points.length).toBeGreaterThan(4000);
    const insert = env.DB.prepare("INSERT INTO tok_probe (rowid, c) VALUES (?, ?)");
    for (let i = 0; i < points.length; i += 500)
      await env.DB.batch(points.slice(i, i + 500).map((cp) => insert.bind(cp, `x${String.fromCodePoint(cp)}x`)));
    const { results } = await env.DB.prepare("SELECT doc, term FROM tok_probe_words ORDER BY doc, offset").all<{ doc: number; term: string }>();
    expect(results.length).toBeGreaterThanOrEqual(points.length);
    const words = new Map<number, string[]>();
    for (const r of results) words.set(r.doc, [...(words.get(r.doc) ?? []), r.term]);
    const differ = points
      .map((cp) => ({ cp, fts5: words.get(cp) ?? [], js: ftsTokens(`x${String.fromCodePoint(cp)}x`) }))
      .filter((d) => JSON.stringify(d.fts5) !== JSON.stringify(d.js))
      .map((d) => `U+${d.cp.toString(16)}: FTS5 ${JSON.stringify(d.fts5)}, JS ${JSON.stringify(d.js)}`);
    expect(differ.slice(0, 20)).toEqual([]);
    // Not a test that cannot fail: outside PROVEN, the two differ (µ: FTS5 folds it to μ).
    await env.DB.prepare("INSERT INTO tok_probe (rowid, c) VALUES (?, ?)")
      .bind(0x10ffff + 1, "xµx")
      .run();
    const mu = await env.DB.prepare("SELECT term FROM tok_probe_words WHERE doc = ?")
      .bind(0x10ffff + 1)
      .all<{ term: string }>();
    expect(mu.results.map((r) => r.term)).not.toEqual(["xµx".normalize("NFD").toLowerCase()]);
    expect(isProven(0xb5)).toBe(false);
  }, 60_000);
});

describe("ftsTokens and commentMatcher (hand-computed)", () => {
  it("cuts words on everything but letters, digits and marks, folds case and accents", () => {
    expect(ftsTokens("Très bonne réponse, l'équipe!")).toEqual(["tres", "bonne", "reponse", "l", "equipe"]);
    expect(ftsTokens("CAFÉ au lait — 100 % sûr 🙏")).toEqual(["cafe", "au", "lait", "100", "sur"]);
    // "é" written as e + U+0301 (decomposed): the mark is part of the word and dropped.
    expect(ftsTokens("cafe\u0301 Œuvre")).toEqual(["cafe", "œuvre"]);
    expect(ftsTokens("")).toEqual([]);
  });

  it("gives null for a text holding a code point it is not proven on", () => {
    expect(ftsTokens("très µ")).toBeNull(); // µ (U+00B5): FTS5 folds it to μ
    expect(ftsTokens("Привет")).toBeNull(); // Cyrillic: not proven
    expect(ftsTokens("ok 🙂")).toBeNull(); // U+1F642, newer than Unicode 6.1
    expect(ftsTokens("a\ud800b")).toBeNull(); // a lone surrogate
  });

  it("matches every word as a word prefix, and punctuation as typed", () => {
    const m = commentMatcher("tres bon")!;
    expect(m("Très bonne réponse du support")).toBe(true);
    expect(m("bon, très")).toBe(true);
    expect(m("très")).toBe(false);
    expect(m("extrêmement bon")).toBe(false); // "tres" inside a word is not a prefix
    expect(m("très bon µ")).toBeNull();
    const pct = commentMatcher("100%")!;
    expect(pct("100% sûr")).toBe(true);
    expect(pct("100 € sûr")).toBe(false);
    expect(commentMatcher("l'equipe")!("L’équipe au top")).toBe(true); // apostrophes are not required as typed
    expect(commentMatcher('"top"')!("« Top »")).toBe(true);
    expect(commentMatcher("coeur")!("CŒUR du sujet")).toBe(true); // œ and oe alike
    expect(commentMatcher("œuvre")!("mise en oeuvre")).toBe(true);
    expect(commentMatcher("co")!("cœur")).toBe(false); // as FTS5: a prefix stops at the ligature
    expect(commentMatcher("?!")).toBeNull(); // no word: the substring search, not this
    expect(commentMatcher("Привет")).toBeNull();
  });
});
