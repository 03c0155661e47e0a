/**
 * Malformed input against the accounts, contacts, imports and waves routes: always a 4xx in the
 * one error shape (or a success for input that happens to be valid), never a 5xx, and no account
 * or contact row that breaks the rules. Seeded, so a failure reproduces.
 */
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, api } from "../helpers";

let seed = 424242;
const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const WEIRD = [
  "",
  " ",
  "\u0000",
  "💥".repeat(40),
  "<script>",
  "' OR 1=1 --",
  "%",
  "_",
  "\\",
  "a".repeat(3000),
  "2026-02-30",
  "2026-13-01",
  "0000-00-00",
  "-1",
  "1e309",
  "__proto__",
  null,
  true,
  -1,
  1.5,
  2 ** 53,
  [],
  {},
];
const FIELDS = [
  "externalId",
  "name",
  "managerUserId",
  "managerEmail",
  "segment",
  "plan",
  "mrrCents",
  "mrrEffectiveOn",
  "startedOn",
  "churnedOn",
  "email",
  "locale",
  "accountExternalId",
  "accountId",
  "unsubscribed",
  "__proto__",
];

function row(): unknown {
  if (rnd() < 0.15) return pick(WEIRD);
  const o: Record<string, unknown> = { externalId: `fz-${Math.floor(rnd() * 40)}`, name: "Fuzz", startedOn: "2025-01-01" };
  for (let i = 0; i < 1 + Math.floor(rnd() * 3); i++) o[pick(FIELDS)] = pick(WEIRD);
  return o;
}

const no5xx = (what: string, r: { status: number; body: any }) => {
  expect({ what, ok: r.status < 500 }).toEqual({ what, ok: true });
  if (r.status >= 400) expect(typeof r.body?.error?.code, what).toBe("string");
};

describe("fuzz: accounts, contacts, imports, waves", () => {
  it("bulk bodies and PATCH bodies never 5xx and never store a bad row", async () => {
    for (let i = 0; i < 80; i++) {
      const kind = pick(["accounts", "contacts"]);
      const body = rnd() < 0.2 ? pick(WEIRD) : { [kind]: Array.from({ length: 1 + Math.floor(rnd() * 6) }, row) };
      no5xx(
        `bulk ${kind} ${JSON.stringify(body).slice(0, 200)}`,
        await api(`/api/v1/${kind}/bulk`, { headers: ADMIN, raw: JSON.stringify(body) ?? "", method: "POST" }),
      );
    }
    const any = await api("/api/v1/accounts?q=Fuzz", { headers: ADMIN });
    // Some rows were valid and stored, so the PATCH fuzz below hits a real account.
    expect(any.body.data.length).toBeGreaterThan(0);
    const target = any.body.data[0].id;
    for (let i = 0; i < 60; i++) {
      const body = Object.fromEntries(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => [pick(FIELDS), pick(WEIRD)]));
      no5xx(`PATCH ${JSON.stringify(body).slice(0, 200)}`, await api(`/api/v1/accounts/${target}`, { method: "PATCH", headers: ADMIN, body }));
    }
    const bad = await env.DB.prepare(
      `SELECT count(*) AS n FROM accounts WHERE name = '' OR length(name) > 200 OR mrr_cents < 0 OR typeof(mrr_cents) != 'integer'
         OR started_on NOT GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]' OR (churned_on IS NOT NULL AND churned_on < started_on)`,
    ).first<{ n: number }>();
    expect(bad!.n).toBe(0);
    const badContacts = await env.DB.prepare(
      "SELECT count(*) AS n FROM contacts WHERE email IS NOT NULL AND (email NOT LIKE '%@%' OR email != lower(email))",
    ).first<{ n: number }>();
    expect(badContacts!.n).toBe(0);
  });

  it("queries, paths and CSV bodies never 5xx", async () => {
    const keys = ["q", "segment", "manager", "status", "surveyId", "limit", "before", "accountId"];
    for (let i = 0; i < 80; i++) {
      const params = new URLSearchParams();
      for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) params.append(pick(keys), String(pick(WEIRD)));
      const path = pick(["/api/v1/accounts", "/api/v1/contacts", "/api/v1/waves", "/api/v1/imports"]);
      no5xx(`${path}?${params}`, await api(`${path}?${params}`, { headers: ADMIN }));
    }
    for (const path of [
      "/api/v1/accounts/%00",
      `/api/v1/accounts/${"x".repeat(3000)}`,
      "/api/v1/contacts/..%2f/export",
      "/api/v1/waves/%F0%9F%92%A5/invitations.csv",
      "/api/v1/imports/nope",
    ]) {
      no5xx(path, await api(path, { headers: ADMIN }));
    }
    // The unsubscribe page answers people with HTML, not the JSON error shape.
    for (const path of ["/u/%00", `/u/${"a".repeat(5000)}`, "/u/'%20OR%201=1"]) {
      for (const method of ["GET", "POST"]) {
        const r = await api(path, { method });
        expect({ path, method, status: r.status }).toEqual({ path, method, status: 404 });
      }
    }
    for (let i = 0; i < 40; i++) {
      const header = pick([
        "external_id,name,started_on",
        "external_id,email,name,locale,account_external_id",
        "external_id",
        "",
        '"external_id",name,"started_on"',
      ]);
      const lines = Array.from({ length: Math.floor(rnd() * 6) }, () =>
        Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => String(pick(WEIRD)).replace(/\u0000/g, pick(['"', ",", "\n", "\r"]))).join(","),
      );
      const csv = [header, ...lines].join(pick(["\n", "\r\n", "\r"]));
      no5xx(
        `csv ${csv.slice(0, 120)}`,
        await api(`/api/v1/imports/${pick(["accounts", "contacts"])}`, {
          method: "POST",
          raw: csv,
          headers: { ...ADMIN, "content-type": "text/csv" },
        }),
      );
    }
  });
});
