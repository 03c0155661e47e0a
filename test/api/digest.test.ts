/**
 * The monthly review: the page's figures for a manager (their accounts only) and the workspace for
 * admins; the cron sends it once per user per month even when it runs twice, never to a user who
 * opted out, and only from the first working day of the month.
 */
import { createScheduledController, env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { scheduled } from "../../worker/index";
import { createUser, db, sessionAs } from "../auth-helpers";
import { ADMIN, api, createSurvey } from "../helpers";
import { answer, insertAccount } from "../scope-helpers";
import * as schema from "../../worker/db/schema";
import { eq } from "drizzle-orm";

afterEach(() => vi.restoreAllMocks());

describe("GET /api/v1/digest", () => {
  it("a manager's review covers their accounts: new detractors, follow-ups, goals in three bins", async () => {
    const m = await sessionAs("manager");
    const other = await createUser("manager");
    const s = await createSurvey();
    const mine = await insertAccount("Digest Mine", m.user.id);
    const theirs = await insertAccount("Digest Theirs", other.id);
    const d1 = await answer(s.id, mine, 2);
    await answer(s.id, mine, 5, "slow support");
    await answer(s.id, theirs, 1, "not mine");
    // Put the answers in the month under review (the month before this one).
    const lastMonth = new Date();
    lastMonth.setUTCDate(1);
    lastMonth.setUTCMonth(lastMonth.getUTCMonth() - 1);
    await env.DB.prepare("UPDATE responses SET created_at = ? WHERE survey_id = ?")
      .bind(lastMonth.getTime() + 3_600_000, s.id)
      .run();

    const res = await api("/api/v1/digest", { headers: m.read });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe("manager");
    const ids = res.body.newDetractors.items.map((i: { responseId: string }) => i.responseId);
    expect(ids).toContain(d1.id);
    expect(res.body.newDetractors.items.every((i: { account: { id: string } | null }) => i.account?.id === mine.id)).toBe(true);
    expect(res.body.followups).toMatchObject({ open: 2, mine: 2 });
    expect(res.body.goals).toHaveProperty("works");
    expect(res.body.goals).toHaveProperty("could_do_better");
    expect(res.body.goals).toHaveProperty("costs_more");
    expect(res.body.smallN).toBe(20);

    const admin = await api("/api/v1/digest", { headers: ADMIN });
    expect(admin.body.scope).toBe("workspace");
    expect(admin.body.newDetractors.count).toBeGreaterThanOrEqual(3);
  });

  it("a goal is sorted by its status, with its reason", async () => {
    const s = await createSurvey();
    const g = await api("/api/v1/goals", {
      headers: ADMIN,
      body: { name: "Past due", metric: "nps", surveyId: s.id, target: 99, deadline: "2030-01-01" },
    });
    expect(g.status).toBe(201);
    const res = await api("/api/v1/digest", { headers: ADMIN });
    const goal = res.body.goals.costs_more.find((x: { id: string }) => x.id === g.body.id);
    expect(goal).toMatchObject({ status: "off_track", reason: "no_data", bin: "costs_more" });
  });

  it("rejects a malformed month with 400 naming the field", async () => {
    for (const month of ["2026-13", "2026-1", "x", "2026-01-01"]) {
      const res = await api(`/api/v1/digest?month=${month}`, { headers: ADMIN });
      expect(res.status).toBe(400);
      expect(res.body.error.field).toBe("month");
    }
    expect((await api("/api/v1/digest?other=1", { headers: ADMIN })).status).toBe(400);
  });

  it("refuses a month whose review falls outside the dates people may type, with 400 naming the field", async () => {
    // 1970-01 reviews December 1969 (and its retention the last quarter of 1969): it was a 500.
    const farAhead = `${new Date().getUTCFullYear() + 11}-01`;
    for (const month of ["1900-01", "1969-12", "1970-01", farAhead, "2099-12"]) {
      const res = await api(`/api/v1/digest?month=${month}`, { headers: ADMIN });
      expect(res.status, month).toBe(400);
      expect(res.body.error).toMatchObject({ code: "invalid_field", field: "month" });
    }
  });

  it("reviews January and February 1970 without a retention quarter (none had ended since 1970)", async () => {
    for (const month of ["1970-02", "1970-03"]) {
      const res = await api(`/api/v1/digest?month=${month}`, { headers: ADMIN });
      expect(res.status, month).toBe(200);
      expect(res.body.retention).toBeNull();
    }
    // April 1970 reviews March: the first quarter of 1970 is complete.
    const april = await api("/api/v1/digest?month=1970-04", { headers: ADMIN });
    expect(april.status).toBe(200);
    expect(april.body.retention).toMatchObject({ quarter: "1970-Q1" });
  });

  it("users opt out of the e-mail themselves", async () => {
    const m = await sessionAs("manager");
    const res = await api("/api/v1/auth/me", { method: "PATCH", headers: m.write, body: { digestOptOut: true } });
    expect(res.status).toBe(200);
    expect(res.body.user.digestOptOut).toBe(true);
    expect((await api("/api/v1/auth/me", { method: "PATCH", headers: m.write, body: { digestOptOut: "yes" } })).status).toBe(400);
  });
});

describe("monthly review cron", () => {
  it("sends once per user per month even when the cron runs twice, never to a user who opted out", async () => {
    await db.update(schema.users).set({ digestOptOut: true }); // earlier tests' users: out of the way
    const reader = await createUser("manager", { name: "Reader" });
    const out = await createUser("manager", { name: "Opted out" });
    const viewer = await createUser("viewer");
    await db.update(schema.users).set({ digestOptOut: true }).where(eq(schema.users.id, out.id));
    await db.update(schema.users).set({ digestOptOut: false, locale: "fr" }).where(eq(schema.users.id, viewer.id));
    await db.update(schema.users).set({ locale: "fr" }).where(eq(schema.users.id, reader.id));
    const sent: { to: { email: string }; subject: string; locale: string; text: string }[] = [];
    const real = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith("https://mail.example.test/")) {
        sent.push(JSON.parse(String(init?.body)));
        return new Response("{}", { status: 202 });
      }
      return real(input, init);
    });
    const mailEnv = { ...env, EMAIL_API_URL: "https://mail.example.test/send", PUBLIC_URL: "https://nps.example.test" };
    // Monday 2 March 2026 is the first working day of March (the 1st is a Sunday).
    const sunday = Date.parse("2026-03-01T09:00:00Z");
    await scheduled(createScheduledController({ scheduledTime: sunday, cron: "0 * * * *" }), mailEnv);
    expect(sent).toHaveLength(0);

    const monday = Date.parse("2026-03-02T09:00:00Z");
    await scheduled(createScheduledController({ scheduledTime: monday, cron: "0 * * * *" }), mailEnv);
    await scheduled(createScheduledController({ scheduledTime: monday + 3_600_000, cron: "0 * * * *" }), mailEnv);
    const mine = sent.filter((m) => [reader.email, out.email, viewer.email].includes(m.to.email));
    expect(mine.map((m) => m.to.email)).toEqual([reader.email]);
    expect(mine[0]).toMatchObject({ locale: "fr", subject: "Votre revue mensuelle — 2026-02" });
    expect(mine[0]!.text).toContain("https://nps.example.test/admin/digest?month=2026-03");
    const rows = await db.select().from(schema.digestSends).where(eq(schema.digestSends.userId, reader.id)).all();
    expect(rows).toMatchObject([{ month: "2026-03", status: "sent" }]);

    // Next month: one more.
    await scheduled(createScheduledController({ scheduledTime: Date.parse("2026-04-01T09:00:00Z"), cron: "0 * * * *" }), mailEnv);
    expect(sent.filter((m) => m.to.email === reader.email).map((m) => m.subject)).toEqual([
      "Votre revue mensuelle — 2026-02",
      "Votre revue mensuelle — 2026-03",
    ]);
  });

  it("claims nothing while no email API is configured", async () => {
    const u = await createUser("admin");
    await scheduled(createScheduledController({ scheduledTime: Date.parse("2026-05-01T09:00:00Z"), cron: "0 * * * *" }), env);
    expect(await db.select().from(schema.digestSends).where(eq(schema.digestSends.userId, u.id)).all()).toEqual([]);
  });
});
