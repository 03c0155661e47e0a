/**
 * Reads through the D1 Sessions API (worker/middleware/db.ts): every admin answer carries a
 * bookmark, a client that sends it back reads at least that recent a copy, a write starts on the
 * primary whatever it carries, a malformed bookmark is ignored, and the respondents' write path
 * stays on the plain binding (group commit).
 */
import { describe, expect, it } from "vitest";
import { sessionStart } from "../../worker/middleware/db";
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

  it("starts every write on the primary, even one that carries a bookmark; reads from the bookmark or the nearest copy", () => {
    // A write resolves its caller in the same session: from a replica, a key revoked or a session
    // ended moments ago could still write (docs/SECURITY.md, "Read replicas and revocation").
    const bookmark = "0000000c-00000004-00005003-a4e4a8e1a9b6e4b3c5a39d0c1b2e3f4a";
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect(sessionStart(method, bookmark), method).toBe("first-primary");
      expect(sessionStart(method, undefined), method).toBe("first-primary");
    }
    expect(sessionStart("GET", bookmark)).toBe(bookmark);
    expect(sessionStart("HEAD", bookmark)).toBe(bookmark);
    expect(sessionStart("GET", undefined)).toBe("first-unconstrained");
    expect(sessionStart("GET", "first-primary")).toBe("first-unconstrained");
    expect(sessionStart("GET", "'; DROP TABLE x")).toBe("first-unconstrained");
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
