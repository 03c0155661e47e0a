/** GET /api/v1/comments: filters, categories per scale, cursor paging, text stays text. */
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { responses } from "../../worker/db/schema";
import { db, sessionAs } from "../auth-helpers";
import { categoryOf as scoreCategory, SCORE_RANGE, SURVEY_KINDS } from "../../worker/domain/categories";
import { ADMIN, type ApiResult, api, createSurvey } from "../helpers";
import { answer, insertAccount } from "../scope-helpers";

const ids = (r: { body: { data: { responseId: string }[] } }) => r.body.data.map((x) => x.responseId).sort();

describe("GET /api/v1/comments", () => {
  it("lists answers with comments, newest first, with contact, account and follow-up", async () => {
    const s = await createSurvey();
    const acc = await insertAccount("Comet", null, "enterprise");
    const det = await answer(s.id, acc, 4, "Support never answers");
    await answer(s.id, acc, 9); // no comment: not listed
    const pro = await answer(s.id, null, 10, "Love it");
    // Pin the order (two answers may share a millisecond).
    await db
      .update(responses)
      .set({ createdAt: new Date(Date.now() - 60_000) })
      .where(eq(responses.id, det.id));
    const r = await api(`/api/v1/comments?surveyId=${s.id}`, { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body.data.map((x: { responseId: string }) => x.responseId)).toEqual([pro.id, det.id]);
    const d = r.body.data[1];
    expect(d).toMatchObject({
      surveyId: s.id,
      score: 4,
      category: "detractor",
      comment: "Support never answers",
      channel: "api",
      account: { id: acc.id, name: "Comet" },
      followup: { status: "open", ownerUserId: null, notes: [] },
    });
    expect(d.contact.id).toBe(det.contactId);
    expect(r.body.data[0]).toMatchObject({ category: "promoter", contact: null, account: null, followup: null });
    expect(r.body.next).toBeNull();
  });

  it("filters by category, segment, status, text (literally) and dates", async () => {
    const s = await createSurvey();
    const ent = await insertAccount("Ent", null, "enterprise");
    const smb = await insertAccount("Small", null, "smb");
    const a = await answer(s.id, ent, 2, "100% broken_again");
    const b = await answer(s.id, smb, 8, "ok-ish");
    const c = await answer(s.id, smb, 0, "never again");
    const get = (q: string) => api(`/api/v1/comments?surveyId=${s.id}&${q}`, { headers: ADMIN });

    expect(ids(await get("category=detractor"))).toEqual([a.id, c.id].sort());
    expect(ids(await get("category=passive"))).toEqual([b.id]);
    expect(ids(await get("segment=smb"))).toEqual([b.id, c.id].sort());
    expect(ids(await get("q=100%25"))).toEqual([a.id]);
    expect(ids(await get("q=_"))).toEqual([a.id]); // _ is a character, not a wildcard
    expect(ids(await get("q=%25"))).toEqual([a.id]);

    // Follow-up status: detractors start "open"; once contacted they move.
    await api(`/api/v1/followups/${c.id}`, { method: "PATCH", headers: ADMIN, body: { status: "contacted" } });
    expect(ids(await get("status=open"))).toEqual([a.id]);
    expect(ids(await get("status=contacted"))).toEqual([c.id]);

    // Dates: move one answer to last year.
    await db
      .update(responses)
      .set({ createdAt: new Date("2025-03-10T12:00:00Z") })
      .where(eq(responses.id, b.id));
    expect(ids(await get("from=2025-03-01&to=2025-04-01"))).toEqual([b.id]);
    expect(ids(await get("to=2025-03-10"))).toEqual([]);
  });

  it("uses each scale's categories for CSAT and CES", async () => {
    const csat = await createSurvey({ kind: "csat" });
    const low = await answer(csat.id, null, 2, "meh");
    const mid = await answer(csat.id, null, 3, "fine");
    const high = await answer(csat.id, null, 4, "good");
    const r = await api(`/api/v1/comments?surveyId=${csat.id}`, { headers: ADMIN });
    const cat = Object.fromEntries(r.body.data.map((x: { responseId: string; category: string }) => [x.responseId, x.category]));
    expect(cat).toEqual({ [low.id]: "detractor", [mid.id]: "passive", [high.id]: "promoter" });
  });

  it("the SQL categories match worker/domain/categories.ts at every score of every scale", async () => {
    for (const kind of SURVEY_KINDS) {
      const [lo, hi] = SCORE_RANGE[kind];
      const s = await createSurvey({ kind });
      const byScore = new Map<string, number>();
      for (let score = lo; score <= hi; score++) byScore.set((await answer(s.id, null, score, `s${score}`)).id, score);
      const r = await api(`/api/v1/comments?surveyId=${s.id}&limit=20`, { headers: ADMIN });
      expect(r.body.data).toHaveLength(hi - lo + 1);
      for (const row of r.body.data) expect(row.category, `${kind} ${row.score}`).toBe(scoreCategory(kind, byScore.get(row.responseId)!));
    }
  });

  it("the rule the comments are held to puts the boundaries where METRICS.md does", () => {
    expect(scoreCategory("nps", 6)).toBe("detractor");
    expect(scoreCategory("nps", 7)).toBe("passive");
    expect(scoreCategory("nps", 9)).toBe("promoter");
    expect(scoreCategory("ces", 4)).toBe("passive");
    expect(scoreCategory("ces", 3)).toBe("detractor");
  });

  it("pages with a cursor without skipping or repeating", async () => {
    const s = await createSurvey();
    const made = [];
    for (let i = 0; i < 7; i++) made.push((await answer(s.id, null, i, `comment ${i}`)).id);
    // Same millisecond for several rows: the cursor must still be exact.
    await db
      .update(responses)
      .set({ createdAt: new Date("2026-01-01T00:00:00Z") })
      .where(eq(responses.surveyId, s.id));
    const seen: string[] = [];
    let next: string | null = "";
    while (next !== null) {
      const r: ApiResult<{ data: { responseId: string }[]; next: string | null }> = await api(
        `/api/v1/comments?surveyId=${s.id}&limit=3${next ? `&before=${next}` : ""}`,
        { headers: ADMIN },
      );
      expect(r.status).toBe(200);
      seen.push(...r.body.data.map((x) => x.responseId));
      next = r.body.next;
    }
    expect(seen.sort()).toEqual(made.sort());
  });

  it("returns comments as data: markup is not interpreted, just carried", async () => {
    const s = await createSurvey();
    const evil = `<img src=x onerror="alert(1)"><script>alert(2)</script>`;
    await answer(s.id, null, 1, evil);
    const r = await api(`/api/v1/comments?surveyId=${s.id}`, { headers: ADMIN });
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.body.data[0].comment).toBe(evil);
  });

  it("rejects bad filters with 400 naming the field", async () => {
    const viewer = await sessionAs("viewer");
    for (const [q, field] of [
      ["category=angry", "category"],
      ["status=done", "status"],
      ["from=2025-13-01", "from"],
      ["from=2025-02-01&to=2025-01-01", "from"],
      ["limit=0", "limit"],
      ["limit=10000", "limit"],
      ["before=abc", "before"],
      ["channel=fax", "channel"],
      [`q=${"x".repeat(201)}`, "q"],
      ["unknown=1", ""],
    ] as const) {
      const r = await api(`/api/v1/comments?${q}`, { headers: viewer.read });
      expect(r.status, q).toBe(400);
      if (field) expect(r.body.error.field, q).toBe(field);
    }
  });
});
