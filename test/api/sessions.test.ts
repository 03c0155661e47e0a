/**
 * Reads through the D1 Sessions API (worker/middleware/db.ts): every admin answer carries a
 * bookmark, a client that sends it back reads at least that recent a copy, a malformed bookmark is
 * ignored, and the respondents' write path stays on the plain binding (group commit).
 */
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey, submit } from "../helpers";

const BOOKMARK = "x-d1-bookmark";

describe("D1 sessions and bookmarks", () => {
  it("returns a bookmark with reads and writes, and a read with a write's bookmark sees that write", async () => {
    const s = await createSurvey();
    const read = await api("/api/v1/goals", { headers: ADMIN });
    expect(read.status).toBe(200);
    const first = read.headers.get(BOOKMARK);
    expect(first).toMatch(/^[0-9a-f-]+$/i);

    const made = await api("/api/v1/goals", {
      headers: ADMIN,
      body: { name: "Bookmark goal", metric: "nps", surveyId: s.id, target: 30, deadline: "2027-12-31" },
    });
    expect(made.status).toBe(201);
    const afterWrite = made.headers.get(BOOKMARK)!;
    expect(afterWrite).toMatch(/^[0-9a-f-]+$/i);
    // Bookmarks sort from oldest to newest: the write's is not older than the read's before it.
    expect(afterWrite >= first!).toBe(true);

    const again = await api("/api/v1/goals", { headers: { ...ADMIN, [BOOKMARK]: afterWrite } });
    expect(again.status).toBe(200);
    expect(again.body.data.map((g: { id: string }) => g.id)).toContain(made.body.id);
    expect(again.headers.get(BOOKMARK)! >= afterWrite).toBe(true);
  });

  it("ignores a malformed bookmark instead of failing", async () => {
    for (const bad of ["not a bookmark", "'; DROP TABLE x", "z".repeat(500), "00000001-zz"]) {
      const r = await api("/api/v1/goals", { headers: { ...ADMIN, [BOOKMARK]: bad } });
      expect(r.status, bad).toBe(200);
    }
  });

  it("keeps the respondents' write path on the plain binding (no bookmark), and it still stores the answer", async () => {
    const s = await createSurvey();
    const r = await submit(s.id, { score: 9 });
    expect(r.status).toBe(201);
    expect(r.headers.get(BOOKMARK)).toBeNull();
    const listed = await api(`/api/v1/surveys/${s.id}/responses`, { headers: ADMIN });
    expect(listed.body.data).toHaveLength(1);
  });
});
