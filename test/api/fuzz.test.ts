/**
 * Fuzzing the public and keyed endpoints with malformed input: every answer must be a 4xx (or a
 * success for input that happens to be valid) in the one error shape, never a 5xx, and nothing
 * invalid may be stored. Deterministic (seeded), so a failure reproduces.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey } from "../helpers";

let seed = 1234567;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;

const WEIRD_STRINGS = [
  "",
  " ",
  "\u0000",
  "💥".repeat(50),
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "%00",
  "\\",
  "a".repeat(6000),
  "NaN",
  "-0",
  "1e309",
  "__proto__",
  "constructor",
];
const WEIRD_NUMBERS = [NaN, Infinity, -Infinity, -0, 1e308, -1, 11, 0.5, 2 ** 53, -(2 ** 31)];

function weirdValue(depth = 0): unknown {
  const r = rnd();
  if (r < 0.2) return pick(WEIRD_STRINGS);
  if (r < 0.4) return pick(WEIRD_NUMBERS);
  if (r < 0.5) return pick([null, true, false]);
  if (r < 0.7 && depth < 3) return Array.from({ length: Math.floor(rnd() * 4) }, () => weirdValue(depth + 1));
  if (depth < 3) {
    const o: Record<string, unknown> = {};
    for (let i = 0; i < Math.floor(rnd() * 5); i++)
      o[pick(["id", "score", "comment", "contact", "locale", "channel", "answers", "token", "signature", "properties", "__proto__", "x"])] =
        weirdValue(depth + 1);
    return o;
  }
  return pick(WEIRD_STRINGS);
}

/** A submission with one or two fields broken, the rest valid. */
function nearlyValidSubmission(): unknown {
  const body: Record<string, unknown> = { id: crypto.randomUUID(), score: Math.floor(rnd() * 11) };
  for (let i = 0; i < 1 + Math.floor(rnd() * 2); i++)
    body[pick(["id", "score", "comment", "contact", "locale", "channel", "answers", "token", "signature", "properties"])] = weirdValue(1);
  return body;
}

function rawBody(): string {
  const r = rnd();
  if (r < 0.3) return JSON.stringify(weirdValue());
  if (r < 0.6) return JSON.stringify(nearlyValidSubmission());
  if (r < 0.8) return JSON.stringify(nearlyValidSubmission()).slice(0, Math.floor(rnd() * 40));
  return Array.from({ length: Math.floor(rnd() * 80) }, () => String.fromCharCode(Math.floor(rnd() * 256))).join("");
}

const expectNo5xx = (what: string, r: { status: number; body: any }) => {
  expect({ what, status: r.status < 500 }).toEqual({ what, status: true });
  if (r.status >= 400) expect(typeof r.body?.error?.code, what).toBe("string");
};

describe("fuzz", () => {
  it("POST and PATCH of answers never 5xx and never store an invalid score", async () => {
    const s = await createSurvey({ kind: "csat" });
    for (let i = 0; i < 250; i++) {
      const raw = rawBody();
      const r = await api(`/api/v1/surveys/${s.id}/responses`, {
        raw,
        headers: { "content-type": pick(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]) },
      });
      expectNo5xx(raw.slice(0, 200), r);
    }
    for (let i = 0; i < 60; i++) {
      const id = pick([crypto.randomUUID(), "x", "../../etc", "%2e%2e", "' OR 1=1"]);
      const r = await api(`/api/v1/surveys/${s.id}/responses/${encodeURIComponent(id)}`, {
        method: "PATCH",
        raw: rawBody(),
        headers: { "content-type": "application/json" },
      });
      expectNo5xx(`PATCH ${id}`, r);
    }
    const bad = await env.DB.prepare(
      "SELECT count(*) AS n FROM responses WHERE survey_id = ? AND (score < 1 OR score > 5 OR typeof(score) != 'integer' OR length(comment) > 5000)",
    )
      .bind(s.id)
      .first<{ n: number }>();
    expect(bad!.n).toBe(0);
  });

  it("query strings and paths never 5xx", async () => {
    const s = await createSurvey();
    const keys = ["from", "to", "interval", "tz", "segment", "manager", "account", "channel", "locale", "limit", "before", "include"];
    for (let i = 0; i < 120; i++) {
      const params = new URLSearchParams();
      for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++)
        params.append(
          pick(keys),
          String(
            pick([...WEIRD_STRINGS.slice(0, 8), ...WEIRD_NUMBERS.map(String), "2026-01-01", "9999-12-31", "0000-00-00", "month", "Europe/Paris"]),
          ),
        );
      const path = pick([`/api/v1/surveys/${s.id}/metrics`, `/api/v1/surveys/${s.id}/responses`, "/api/v1/surveys"]);
      expectNo5xx(`${path}?${params}`, await api(`${path}?${params}`, { headers: ADMIN }));
    }
    for (const path of [
      "/api/v1/surveys/%00",
      "/api/v1/surveys/..%2f..%2f",
      `/api/v1/surveys/${"x".repeat(5000)}`,
      "/api/v1/surveys/%F0%9F%92%A5/metrics",
      "/api/v1//surveys",
    ]) {
      expectNo5xx(path, await api(path, { headers: ADMIN }));
    }
  });

  it("survey definitions never 5xx", async () => {
    for (let i = 0; i < 80; i++) {
      const body =
        rnd() < 0.5
          ? { name: "x", kind: "nps", [pick(["texts", "theme", "cadence", "allowedOrigins", "extraQuestions", "samplingPercent"])]: weirdValue(1) }
          : weirdValue();
      expectNo5xx(
        JSON.stringify(body).slice(0, 200),
        await api("/api/v1/surveys", { headers: ADMIN, raw: JSON.stringify(body) ?? "", method: "POST" }),
      );
    }
  });
});
