/**
 * Reads through the D1 Sessions API (worker/middleware/db.ts): every admin answer carries a
 * bookmark, a client that sends it back reads at least that recent a copy, a write starts on the
 * primary whatever it carries, a malformed bookmark is ignored, and the respondents' write path
 * stays on the plain binding (group commit).
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { sessionStart } from "../../worker/middleware/db";
import { sessionAs } from "../auth-helpers";
import { ADMIN, api, createSurvey, submit } from "../helpers";

/**
 * The Worker on the real D1 binding, recording which constraint each request's session starts
 * from (the binding's own `withSession`, called through).
 */
async function sessionStarts(path: string, init: RequestInit) {
  const starts: string[] = [];
  const DB = new Proxy(env.DB, {
    get(target, key) {
      if (key === "withSession")
        return (constraint: string) => {
          starts.push(constraint);
          return target.withSession(constraint);
        };
      const v = Reflect.get(target, key);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  const ctx = createExecutionContext();
  const res = await worker.fetch(new Request(`http://localhost${path}`, init), { ...env, DB }, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, starts };
}

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

  it("sessionStart: writes on the primary whatever they carry; reads from a well-formed bookmark, else the primary for API clients and the nearest copy for the page", () => {
    const bookmark = "0000000c-00000004-00005003-a4e4a8e1a9b6e4b3c5a39d0c1b2e3f4a";
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      for (const api of [true, false]) {
        expect(sessionStart(method, bookmark, api), method).toBe("first-primary");
        expect(sessionStart(method, undefined, api), method).toBe("first-primary");
      }
    }
    expect(sessionStart("GET", bookmark, false)).toBe(bookmark);
    expect(sessionStart("HEAD", bookmark, true)).toBe(bookmark);
    expect(sessionStart("GET", undefined, false)).toBe("first-unconstrained");
    expect(sessionStart("GET", undefined, true)).toBe("first-primary");
    // Only a bookmark's shape reaches D1: a constraint's name or anything else is ignored.
    expect(sessionStart("GET", "first-primary", false)).toBe("first-unconstrained");
    expect(sessionStart("GET", "'; DROP TABLE x", false)).toBe("first-unconstrained");
  });

  it("ignores a malformed bookmark instead of failing", async () => {
    for (const bad of ["not a bookmark", "'; DROP TABLE x", "z".repeat(500), "00000001-zz"]) {
      const r = await api("/api/v1/goals", { headers: { ...ADMIN, [BOOKMARK]: bad } });
      expect(r.status, bad).toBe(200);
    }
  });

  it("starts a write on the primary even with a client's bookmark, so the checks it reads first are never a replica's older rows", async () => {
    const s = await createSurvey();
    const read = await api("/api/v1/goals", { headers: ADMIN });
    const bookmark = read.headers.get(BOOKMARK)!;
    // A write reads before it writes (the row it changes, the caller's scope): a manager's page
    // still holding an old bookmark edits an account the admin has meanwhile given to someone
    // else, and the scope check must see the reassignment, which a replica only as recent as the
    // page's bookmark may not have. The primary always has it.
    const write = await sessionStarts("/api/v1/goals", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "application/json", [BOOKMARK]: bookmark },
      body: JSON.stringify({ name: "Primary goal", metric: "nps", surveyId: s.id, target: 30, deadline: "2027-12-31" }),
    });
    expect(write.status).toBe(201);
    expect(write.starts).toEqual(["first-primary"]);
    // A read with the bookmark reads a copy at least that recent.
    expect((await sessionStarts("/api/v1/goals", { headers: { ...ADMIN, [BOOKMARK]: bookmark } })).starts).toEqual([bookmark]);
  });

  it("reads the primary for an API client that sends no bookmark, and any replica for the admin page's session", async () => {
    // API clients (scripts, CRMs, Delighted's official clients on /v1) do not echo bookmarks: the
    // read that follows their own write (GET the survey or the response just created) went to any
    // replica, which may not have it yet, and answered 404.
    const s = await createSurvey();
    expect((await sessionStarts(`/api/v1/surveys/${s.id}`, { headers: ADMIN })).starts).toEqual(["first-primary"]);
    const basic = { authorization: `Basic ${btoa(`${env.ADMIN_API_KEY}:`)}` };
    expect((await sessionStarts("/v1/survey_responses", { headers: basic })).starts).toEqual(["first-primary"]);
    // The admin page (a session cookie) sends its bookmark when it has one; without one, any copy.
    const session = await sessionAs("admin");
    const page = await sessionStarts("/api/v1/goals", { headers: session.read });
    expect(page).toEqual({ status: 200, starts: ["first-unconstrained"] });
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
