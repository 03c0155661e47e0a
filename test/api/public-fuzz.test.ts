/** No malformed input to a public endpoint returns 5xx, and none of it is stored as an answer. */
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey } from "../helpers";

// A small seeded generator, so a failure replays identically.
function rng(seed: number) {
  return () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

const WEIRD: unknown[] = [
  null,
  true,
  0,
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER,
  3.5,
  "",
  " ",
  "x".repeat(6000),
  "\u0000",
  "\ud800",
  "<script>",
  "' OR 1=1 --",
  [],
  {},
  [1, 2],
  { $gt: 1 },
  "2026-13-45",
  "NaN",
  "🙂",
];
const FIELDS = ["id", "score", "comment", "contact", "signature", "token", "locale", "channel", "answers", "properties", "__proto__", "constructor"];

describe("fuzzing the public endpoints", () => {
  it("never answers 5xx and never stores garbage", async () => {
    const s = await createSurvey({ allowedOrigins: ["https://app.example.com"] });
    const rand = rng(42);
    const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
    const bodies: string[] = ["", "{", "[]", "null", '"x"', '{"id":', "\u0000", "%%%", "a=1&b=2"];
    for (let i = 0; i < 80; i++) {
      const o: Record<string, unknown> = { id: rand() < 0.5 ? crypto.randomUUID() : pick(WEIRD) };
      for (let j = 0; j < 3; j++) o[pick(FIELDS)] = pick(WEIRD);
      if (rand() < 0.3) o.contact = { id: pick(WEIRD), email: pick(WEIRD), extra: pick(WEIRD) };
      bodies.push(JSON.stringify(o));
    }
    const paths = [
      `/api/v1/surveys/${s.id}/responses`,
      `/api/v1/surveys/${s.id}/dismissals`,
      `/s/${s.id}`,
      `/api/v1/surveys/${encodeURIComponent("srv_<x>")}/responses`,
      `/s/${"a".repeat(300)}`,
    ];
    const types = ["text/plain", "application/json", "application/x-www-form-urlencoded", "multipart/form-data"];
    const bad: string[] = [];
    for (const raw of bodies) {
      for (const path of paths) {
        const r = await api(path, { method: "POST", raw, headers: { "content-type": pick(types) } });
        if (r.status >= 500) bad.push(`${r.status} POST ${path} ${raw.slice(0, 80)}`);
      }
    }
    const queries = ["score=%FF", "t=%00", "lang=%E0%A4%A", "uid=&sig=", "l=" + "%2C".repeat(100), "score[]=1", "t=" + "a".repeat(70), "email=%40"];
    for (const q of queries) {
      for (const p of [`/api/v1/surveys/${s.id}/widget`, `/s/${s.id}`, `/api/v1/surveys/${s.id}/email-snippet`]) {
        const r = await api(`${p}?${q}`, { headers: p.includes("snippet") ? ADMIN : { origin: "https://app.example.com" } });
        if (r.status >= 500) bad.push(`${r.status} GET ${p}?${q}`);
      }
    }
    for (const m of ["OPTIONS", "PUT", "DELETE"]) {
      const r = await api(`/api/v1/surveys/${s.id}/dismissals`, { method: m, headers: { origin: "https://evil.example" } });
      if (r.status >= 500) bad.push(`${r.status} ${m}`);
    }
    expect(bad).toEqual([]);
    const stored = (await api(`/api/v1/surveys/${s.id}/responses?limit=500`, { headers: ADMIN })).body.data as any[];
    for (const row of stored) {
      expect(Number.isInteger(row.score) && row.score >= 0 && row.score <= 10).toBe(true);
      expect((row.comment ?? "").length).toBeLessThanOrEqual(5000);
    }
  }, 60_000); // some 500 requests: seconds alone, longer beside other test files
});
