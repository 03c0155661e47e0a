/**
 * The rate limit on heavy reads (worker/middleware/heavyRead.ts): 120 a minute per viewer or
 * manager, shared by their session and their API keys and whatever address they call from; cheap
 * reads, other users and admins are not counted against it.
 */
import { describe, expect, it } from "vitest";
import { sessionAs } from "../auth-helpers";
import { api, burstUntil429, createSurvey, freshWindow, sameWindow } from "../helpers";

const LIMIT = 120;

describe("heavy reads", () => {
  it("are limited per user, across their session, their API keys and their addresses", async () => {
    const s = await createSurvey();
    const manager = await sessionAs("manager");
    const other = await sessionAs("manager");
    const key = await api("/api/v1/api-keys", { headers: manager.write, body: { name: "sync", role: "manager" } });
    expect(key.status).toBe(201);
    const byKey = { authorization: `Bearer ${key.body.key}`, "cf-connecting-ip": "198.51.100.21" };

    await freshWindow();
    const { passed, res, window } = await burstUntil429(LIMIT, () =>
      api("/api/v1/metrics/retention", { headers: { ...manager.read, "cf-connecting-ip": "203.0.113.20" } }),
    );
    expect(passed).toBe(LIMIT);
    expect(res.body.error).toMatchObject({ code: "rate_limited" });
    expect(res.headers.get("retry-after")).toBe("60");

    // The same user, through a key and from another address: the same budget, for every heavy read.
    const heavy = [
      `/api/v1/export/responses.csv?surveyId=${s.id}`,
      "/api/v1/metrics/cohorts",
      `/api/v1/metrics/retention-by-category?surveyId=${s.id}`,
      `/api/v1/metrics/value-by-category?surveyId=${s.id}`,
      `/api/v1/metrics/accounts?surveyId=${s.id}`,
      `/api/v1/surveys/${s.id}/metrics?interval=month&tz=Pacific%2FAuckland`,
      `/api/v1/metrics/breakdown?surveyId=${s.id}&by=account`,
    ];
    for (const path of heavy) {
      const r = await api(path, { headers: byKey });
      expect([path, r.status, r.body.error?.code]).toEqual([path, 429, "rate_limited"]);
    }
    // Cheap reads are not limited: the overview in the workspace's zone, by wave, a breakdown by segment, the surveys.
    expect((await api(`/api/v1/surveys/${s.id}/metrics?interval=month`, { headers: byKey })).status).toBe(200);
    expect((await api(`/api/v1/surveys/${s.id}/metrics?interval=wave&tz=Pacific%2FAuckland`, { headers: byKey })).status).toBe(200);
    expect((await api(`/api/v1/metrics/breakdown?surveyId=${s.id}&by=segment`, { headers: byKey })).status).toBe(200);
    expect((await api("/api/v1/surveys", { headers: byKey })).status).toBe(200);
    // Another user keeps their own budget, from the same address.
    expect((await api("/api/v1/metrics/retention", { headers: { ...other.read, "cf-connecting-ip": "203.0.113.20" } })).status).toBe(200);
    // Not through the edge (a service binding): not counted.
    expect((await api("/api/v1/metrics/retention", { headers: manager.read })).status).toBe(200);
    // All of it ran in the window the burst filled (else the 429s above would prove nothing).
    expect(sameWindow(window)).toBe(true);
  }, 90_000);

  it("limit viewers too", async () => {
    const s = await createSurvey();
    const viewer = await sessionAs("viewer");
    await freshWindow();
    const { passed, res } = await burstUntil429(LIMIT, () =>
      api(`/api/v1/metrics/accounts?surveyId=${s.id}`, { headers: { ...viewer.read, "cf-connecting-ip": "203.0.113.22" } }),
    );
    expect(passed).toBe(LIMIT);
    expect(res.body.error).toMatchObject({ code: "rate_limited" });
  }, 90_000);

  it("do not limit admins, who hold every right already", async () => {
    const admin = await sessionAs("admin");
    await freshWindow();
    for (let i = 0; i <= LIMIT; i++) {
      const r = await api("/api/v1/metrics/cohorts", { headers: { ...admin.read, "cf-connecting-ip": "203.0.113.23" } });
      expect(r.status).toBe(200);
    }
  }, 60_000);
});
