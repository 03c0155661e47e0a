/**
 * Comment search through FTS5 (worker/db/queries/commentSearch.ts): accents and case folded in
 * French and English, every word a prefix, FTS5 syntax typed by a user taken as text, and the
 * index kept in step when a comment is added, changed or erased.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ftsQuery, spellings } from "../../worker/db/queries/commentSearch";
import { ADMIN, api, createSurvey, submit } from "../helpers";

const search = async (surveyId: string, q: string) => {
  const r = await api(`/api/v1/comments?surveyId=${surveyId}&q=${encodeURIComponent(q)}`, { headers: ADMIN });
  expect(r.status, `q=${q}: ${JSON.stringify(r.body)}`).toBe(200);
  return (r.body.data as { comment: string }[]).map((c) => c.comment).sort();
};

describe("comment search (FTS5)", () => {
  it("folds accents and case, matches word prefixes, requires every word", async () => {
    const s = await createSurvey();
    for (const comment of [
      "Très bonne réponse du support",
      "Le café était froid",
      "CAFE AU LAIT parfait",
      "Great response time",
      "Responsive team, slow invoices",
    ]) {
      expect((await submit(s.id, { score: 8, comment })).status).toBe(201);
    }
    expect(await search(s.id, "tres bon")).toEqual(["Très bonne réponse du support"]);
    expect(await search(s.id, "CAFÉ")).toEqual(["CAFE AU LAIT parfait", "Le café était froid"]);
    expect(await search(s.id, "respon")).toEqual(["Great response time", "Responsive team, slow invoices"]);
    expect(await search(s.id, "response time")).toEqual(["Great response time"]);
    expect(await search(s.id, "reponse")).toEqual(["Très bonne réponse du support"]);
  });

  it("takes FTS5 syntax typed by a user as text, and answers any q the API accepts", async () => {
    const s = await createSurvey();
    await submit(s.id, { score: 3, comment: 'He said "NEAR" and OR, then (ok) * col:x — 100% sure' });
    for (const q of [
      '"',
      '""',
      "NEAR(",
      "a OR",
      "AND",
      "NOT x",
      "col:x",
      "*",
      "^x",
      "(",
      "%%",
      "_",
      "'; DROP TABLE responses; --",
      "x".repeat(200),
      "é".repeat(200),
      "🙂",
    ]) {
      await search(s.id, q);
    }
    expect(await search(s.id, '"near"')).toHaveLength(1);
    expect(await search(s.id, "col:x")).toHaveLength(1);
    expect(await search(s.id, "100%")).toHaveLength(1);
    expect(await search(s.id, "%%")).toEqual([]);
    expect(ftsQuery('a"b OR c*')).toBe('"a"* AND "b"* AND "OR"* AND "c"*');
    expect(ftsQuery("?!")).toBeNull();
  });

  it("French typing: apostrophes and quotation marks either way, œ and æ as oe and ae", async () => {
    const s = await createSurvey();
    const comments = [
      "Mise en œuvre rapide",
      "mise en oeuvre lente",
      "L’équipe au top",
      "l'équipe est partie",
      "« Parfait » selon eux",
      "Cœur de métier",
      "CŒUR du sujet",
      "Coeur",
      "curriculum vitæ joint",
      "Un poète, Noël",
      "Le conseil a dit oui",
    ];
    for (const comment of comments) expect((await submit(s.id, { score: 7, comment })).status).toBe(201);
    expect(await search(s.id, "oeuvre")).toEqual(["Mise en œuvre rapide", "mise en oeuvre lente"]);
    expect(await search(s.id, "Œuvre")).toEqual(["Mise en œuvre rapide", "mise en oeuvre lente"]);
    expect(await search(s.id, "mise en oeu")).toEqual(["Mise en œuvre rapide", "mise en oeuvre lente"]);
    expect(await search(s.id, "en œuvre lente")).toEqual(["mise en oeuvre lente"]);
    expect(await search(s.id, "coeur")).toEqual(["Coeur", "CŒUR du sujet", "Cœur de métier"]);
    expect(await search(s.id, "cœur du")).toEqual(["CŒUR du sujet"]);
    expect(await search(s.id, "co")).toEqual(["Coeur", "Le conseil a dit oui"]); // a prefix stops at the ligature, as FTS5's does
    expect(await search(s.id, "vitae")).toEqual(["curriculum vitæ joint"]);
    expect(await search(s.id, "noel poete")).toEqual(["Un poète, Noël"]);
    expect(await search(s.id, "l'equipe")).toEqual(["L’équipe au top", "l'équipe est partie"]);
    expect(await search(s.id, "l’équipe au")).toEqual(["L’équipe au top"]);
    expect(await search(s.id, '"parfait"')).toEqual(["« Parfait » selon eux"]);
    expect(await search(s.id, "«parfait»")).toEqual(["« Parfait » selon eux"]);
    // Other punctuation is still required as typed.
    expect(await search(s.id, "l-equipe")).toEqual([]);
    expect(spellings("coeur")).toEqual(["coeur", "cœur"]);
    expect(spellings("Œuvre")).toEqual(["Œuvre", "oeuvre"]);
    expect(spellings("AEoE")).toEqual(["AEoE", "AEœ", "æoE", "æœ"]);
    expect(spellings("bon")).toEqual(["bon"]);
    // Past three places in one word: as typed, all joined, all split.
    expect(spellings("oeœoeaeX")).toEqual(["oeœoeaeX", "œœœæX", "oeoeoeaeX"]);
    expect(ftsQuery("coeur bon")).toBe('("coeur"* OR "cœur"*) AND "bon"*');
  });

  it("follows edits and erasures", async () => {
    const s = await createSurvey();
    const id = crypto.randomUUID();
    const first = await submit(s.id, { id, score: 2, comment: "slow delivery" });
    expect(await search(s.id, "slow")).toHaveLength(1);
    await env.DB.prepare("UPDATE responses SET comment = 'fast delivery' WHERE id = ?").bind(id).run();
    expect(await search(s.id, "slow")).toEqual([]);
    expect(await search(s.id, "fast")).toEqual(["fast delivery"]);
    await env.DB.prepare("DELETE FROM responses WHERE id = ?").bind(id).run();
    expect(await search(s.id, "fast")).toEqual([]);
    expect(first.status).toBe(201);
  });
});
