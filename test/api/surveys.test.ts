import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey } from "../helpers";

describe("surveys API", () => {
  it("creates a survey from just a name and a kind, with sensible defaults", async () => {
    const r = await api("/api/v1/surveys", { headers: ADMIN, body: { name: "Baromètre 2026", kind: "nps" } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      name: "Baromètre 2026",
      kind: "nps",
      status: "active",
      defaultLocale: "en",
      resurveyDays: 182,
      dismissDays: 30,
      samplingPercent: 100,
      allowedOrigins: [],
      requireSignature: false,
      theme: { color: "#4f46e5", position: "bottom-right" },
      cadence: { enabled: false, months: [1, 7], day: 15, windowDays: 21 },
    });
    expect(r.body.id).toMatch(/^srv_[0-9a-z]{16}$/);
    expect(r.body.signingSecret).toMatch(/^whsec_/);
  });

  it("gets, lists, patches and archives", async () => {
    const s = await createSurvey({ kind: "csat" });
    expect((await api(`/api/v1/surveys/${s.id}`, { headers: ADMIN })).body.kind).toBe("csat");
    const patched = await api(`/api/v1/surveys/${s.id}`, {
      method: "PATCH",
      headers: ADMIN,
      body: {
        samplingPercent: 25,
        allowedOrigins: ["https://app.example.com"],
        texts: { fr: { question: "Êtes-vous satisfait ?", followUp: { detractor: "Pourquoi ?" } } },
      },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ samplingPercent: 25, allowedOrigins: ["https://app.example.com"], kind: "csat" });
    expect(patched.body.texts.fr.followUp.detractor).toBe("Pourquoi ?");
    const archived = await api(`/api/v1/surveys/${s.id}/archive`, { method: "POST", headers: ADMIN });
    expect(archived.body.status).toBe("archived");
    expect(archived.body.archivedAt).not.toBeNull();
    const list = await api("/api/v1/surveys", { headers: ADMIN });
    expect(list.body.data.some((x: { id: string }) => x.id === s.id)).toBe(false);
    const all = await api("/api/v1/surveys?include=archived", { headers: ADMIN });
    expect(all.body.data.some((x: { id: string }) => x.id === s.id)).toBe(true);
  });

  it("rejects bad definitions with the field named", async () => {
    const bad: [unknown, string][] = [
      [{ kind: "nps" }, "name"],
      [{ name: "x", kind: "stars" }, "kind"],
      [{ name: "", kind: "nps" }, "name"],
      [{ name: "x", kind: "nps", samplingPercent: 101 }, "samplingPercent"],
      [{ name: "x", kind: "nps", resurveyDays: -1 }, "resurveyDays"],
      [{ name: "x", kind: "nps", allowedOrigins: ["javascript:alert(1)"] }, "allowedOrigins.0"],
      [{ name: "x", kind: "nps", theme: { color: "red", position: "bottom-right" } }, "theme.color"],
      [{ name: "x", kind: "nps", cadence: { enabled: true, months: [13], day: 1, windowDays: 7 } }, "cadence.months.0"],
      [{ name: "x", kind: "nps", texts: { fr: { question: "x".repeat(501) } } }, "texts.fr.question"],
    ];
    for (const [body, field] of bad) {
      const r = await api("/api/v1/surveys", { headers: ADMIN, body });
      expect({ field, status: r.status }).toEqual({ field, status: 400 });
      expect(r.body.error).toMatchObject({ code: "invalid_field", field });
    }
    const s = await createSurvey();
    const r = await api(`/api/v1/surveys/${s.id}`, { method: "PATCH", headers: ADMIN, body: { kind: "ces" } });
    expect(r.status).toBe(400); // the kind is fixed once answers may exist
  });

  it("requires an API key, and 404s unknown surveys", async () => {
    expect((await api("/api/v1/surveys", { body: { name: "x", kind: "nps" } })).status).toBe(401);
    expect((await api("/api/v1/surveys", { headers: { authorization: "Basic abc" } })).status).toBe(401);
    expect((await api("/api/v1/surveys/srv_nope", { headers: ADMIN })).status).toBe(404);
    expect((await api("/api/v1/surveys/srv_nope", { method: "PATCH", headers: ADMIN, body: { name: "y" } })).status).toBe(404);
  });

  it("answers unknown routes with the JSON error shape", async () => {
    const r = await api("/api/v1/nope");
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe("not_found");
  });
});
