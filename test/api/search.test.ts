/**
 * `q` on /accounts, /contacts, /comments and the CSV export: any text the API allows (up to 200
 * characters) is found, for every role, with `%`, `_` and `\` taken literally. Accounts and
 * contacts match a plain substring; comments go through the FTS5 index (words folded, punctuation
 * as typed: worker/db/queries/commentSearch.ts). D1 refuses LIKE patterns over 50 bytes, so with
 * LIKE a 49-character search was a 500 (and a plain-text 500 from the export).
 */
import { describe, expect, it } from "vitest";
import { api, createSurvey, submit } from "../helpers";
import { bulkAccounts, bulkContacts, callers, uniq } from "./accounts.fixtures";

/** `%`, `_` and `\` right after the tag: as LIKE wildcards, `%_` would also match the decoy's `zz`. */
const literal = (tag: string) => `${tag}|%_\\|`;
const decoyOf = (tag: string) => `${tag}|zz\\|`;
const pad = (s: string) => (s + " the quick brown fox".repeat(20)).slice(0, 200);

async function world() {
  const tag = uniq("srch");
  const who = await callers();
  const text = pad(literal(tag));
  const decoy = pad(decoyOf(tag));
  await bulkAccounts([
    { externalId: `${tag}-A`, name: text, startedOn: "2025-01-01", managerUserId: who.managerA.userId },
    { externalId: `${tag}-D`, name: decoy, startedOn: "2025-01-01", managerUserId: who.managerA.userId },
  ]);
  const made = await bulkContacts([
    { externalId: `${tag}-ca`, name: text, accountExternalId: `${tag}-A` },
    { externalId: `${tag}-cd`, name: decoy, accountExternalId: `${tag}-A` },
  ]);
  const survey = await createSurvey();
  const r = await submit(survey.id, { score: 3, comment: text, contact: { id: `${tag}-ca` } });
  const d = await submit(survey.id, { score: 4, comment: decoy, contact: { id: `${tag}-cd` } });
  expect([r.status, d.status]).toEqual([201, 201]);
  const accounts = (await api(`/api/v1/accounts?q=${encodeURIComponent(`${tag}-A`)}`, { headers: who.managerA.headers })).body.data;
  return { tag, who, text, survey, ids: { account: accounts[0].id as string, contact: made.results[0].id as string, response: r.body.id as string } };
}

const csvIds = (body: string) =>
  body
    .split("\r\n")
    .slice(1)
    .filter(Boolean)
    .map((l) => l.split(",")[0]);

describe("search text", () => {
  it("finds 49, 50, 200 characters (the maximum) with % _ \\ taken literally, on every list and the export, for every role", async () => {
    const { who, text, survey, ids } = await world();
    for (const n of [49, 50, 200]) {
      const q = encodeURIComponent(text.slice(0, n));
      for (const caller of [who.admin, who.viewer, who.managerA]) {
        const at = `${n} chars as ${caller.name}`;
        const acc = await api(`/api/v1/accounts?q=${q}`, { headers: caller.headers });
        expect([at, acc.status, acc.body.data?.map((a: any) => a.id)]).toEqual([at, 200, [ids.account]]);
        const con = await api(`/api/v1/contacts?q=${q}`, { headers: caller.headers });
        expect([at, con.status, con.body.data?.map((c: any) => c.id)]).toEqual([at, 200, [ids.contact]]);
        const com = await api(`/api/v1/comments?surveyId=${survey.id}&q=${q}`, { headers: caller.headers });
        expect([at, com.status, com.body.data?.map((c: any) => c.responseId)]).toEqual([at, 200, [ids.response]]);
        const csv = await api(`/api/v1/export/responses.csv?surveyId=${survey.id}&q=${q}`, { headers: caller.headers });
        expect([at, csv.status, csv.headers.get("content-type"), csvIds(csv.body)]).toEqual([at, 200, "text/csv; charset=utf-8", [ids.response]]);
      }
    }
    // One over the maximum is a 400 naming q, on all four.
    const over = encodeURIComponent(`${text}x`);
    for (const path of [
      `/api/v1/accounts?q=${over}`,
      `/api/v1/contacts?q=${over}`,
      `/api/v1/comments?q=${over}`,
      `/api/v1/export/responses.csv?q=${over}`,
    ]) {
      const res = await api(path, { headers: who.admin.headers });
      expect([path, res.status, res.body.error?.field]).toEqual([path, 400, "q"]);
    }
  });

  it("comments: folds case and accents (FTS5, docs/SCALING.md), so any spelling of a name finds it", async () => {
    const { tag, who, survey } = await world();
    const r = await submit(survey.id, { score: 9, comment: `Élodie from ${tag} said hello` });
    const find = async (q: string) =>
      (await api(`/api/v1/comments?surveyId=${survey.id}&q=${encodeURIComponent(q)}`, { headers: who.admin.headers })).body.data.map(
        (c: any) => c.responseId,
      );
    expect(await find(`ÉLODIE FROM ${tag.toUpperCase()}`)).toEqual([r.body.id]);
    expect(await find(`élodie from ${tag}`)).toEqual([r.body.id]);
    expect(await find(`elodie from ${tag}`)).toEqual([r.body.id]);
    expect(await find(`elodie from ${tag} said goodbye`)).toEqual([]);
  });
});
