/**
 * GET /api/v1/comments?sort=: the comments & follow-up list in either time order, paged by a
 * keyset cursor that follows the order (no row skipped or repeated, ties on the millisecond
 * included), and a cursor from one order refused by the other.
 */
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { responses } from "../../worker/db/schema";
import { db, sessionAs } from "../auth-helpers";
import { ADMIN, type ApiResult, api, createSurvey } from "../helpers";
import { answer } from "../scope-helpers";

type Page = ApiResult<{ data: { responseId: string; createdAt: string }[]; next: string | null }>;

/** Every row of the list for `sort`, three at a time, following `next`. */
async function walk(surveyId: string, sort: string | null): Promise<string[]> {
  const seen: string[] = [];
  let next: string | null = "";
  while (next !== null) {
    const r: Page = await api(
      `/api/v1/comments?surveyId=${surveyId}&limit=3${sort === null ? "" : `&sort=${sort}`}${next ? `&before=${next}` : ""}`,
      { headers: ADMIN },
    );
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    seen.push(...r.body.data.map((x) => x.responseId));
    next = r.body.next;
  }
  return seen;
}

/** Eight answers at five instants, three of them sharing one millisecond. */
async function answersAt() {
  const s = await createSurvey();
  const at = [
    "2026-03-01T09:00:00Z",
    "2026-01-05T10:00:00Z",
    "2026-02-01T08:00:00Z",
    "2026-02-01T08:00:00Z",
    "2026-02-01T08:00:00Z",
    "2025-12-24T18:30:00Z",
    "2026-04-01T00:00:00Z",
    "2026-01-05T10:00:01Z",
  ];
  const rows: { id: string; at: number }[] = [];
  for (const [i, when] of at.entries()) {
    const { id } = await answer(s.id, null, i % 11, `comment ${i}`);
    await db
      .update(responses)
      .set({ createdAt: new Date(when) })
      .where(eq(responses.id, id));
    rows.push({ id, at: Date.parse(when) });
  }
  // The order the list promises: time, then id for answers in the same millisecond.
  const oldestFirst = [...rows].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((r) => r.id);
  return { surveyId: s.id, oldestFirst };
}

describe("GET /api/v1/comments?sort=", () => {
  it("sort=createdAt pages oldest first, ties by id, none skipped or repeated", async () => {
    const { surveyId, oldestFirst } = await answersAt();
    expect(await walk(surveyId, "createdAt")).toEqual(oldestFirst);
  });

  it("sort=-createdAt and no sort both page newest first: the exact reverse", async () => {
    const { surveyId, oldestFirst } = await answersAt();
    const newestFirst = [...oldestFirst].reverse();
    expect(await walk(surveyId, "-createdAt")).toEqual(newestFirst);
    expect(await walk(surveyId, null)).toEqual(newestFirst);
  });

  it("refuses a cursor from the other order with 400 naming `before`", async () => {
    const { surveyId } = await answersAt();
    const newest: Page = await api(`/api/v1/comments?surveyId=${surveyId}&limit=3`, { headers: ADMIN });
    const oldest: Page = await api(`/api/v1/comments?surveyId=${surveyId}&limit=3&sort=createdAt`, { headers: ADMIN });
    expect(newest.body.next).toBeTruthy();
    expect(oldest.body.next).toBeTruthy();
    for (const q of [`sort=createdAt&before=${newest.body.next}`, `sort=-createdAt&before=${oldest.body.next}`, `before=${oldest.body.next}`]) {
      const r = await api(`/api/v1/comments?surveyId=${surveyId}&${q}`, { headers: ADMIN });
      expect(r.status, q).toBe(400);
      expect(r.body.error).toMatchObject({ code: "invalid_field", field: "before" });
    }
  });

  it("refuses any other sort with 400 naming `sort`", async () => {
    const viewer = await sessionAs("viewer");
    for (const sort of ["score", "-score", "dueOn", "created", "CREATEDAT", "createdAt,score", "", "--createdAt", "createdAt%00"]) {
      const r = await api(`/api/v1/comments?sort=${sort}`, { headers: viewer.read });
      expect(r.status, sort).toBe(400);
      expect(r.body.error).toMatchObject({ code: "invalid_field", field: "sort" });
    }
  });
});
