/**
 * Webhooks in workerd: CRUD, which events get queued for whom, and the retry schedule driven by
 * the cron. Delivery failures here are real: the target is a closed port on 127.0.0.1.
 * Successful delivery, signature checking and Slack payloads against a real HTTP server are in
 * test/e2e/webhooks.e2e.ts.
 */
import { createExecutionContext, createScheduledController, env, waitOnExecutionContext } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { auditLog, webhookDeliveries, webhooks } from "../../worker/db/schema";
import worker from "../../worker/index";
import { standardSignature } from "../../worker/lib/standardWebhooks";
import { enqueueContactUnsubscribed, MAX_ATTEMPTS, retryDelayMs, runWebhookDeliveries, signatureHeader } from "../../worker/jobs/webhooks";
import { createUser, db, sessionAs } from "../auth-helpers";
import { ADMIN, api, createSurvey, submit } from "../helpers";
import { answer, insertAccount } from "../scope-helpers";

/**
 * Nothing listens on port 9 (discard): connecting fails at once, a genuine network error. workerd
 * logs each refused connection as "uncaught exception … Network connection lost" even though
 * sendOne catches it (the same happens with a bare try/catch around fetch): expected noise.
 */
const DEAD_URL = "http://127.0.0.1:9/hook";

async function makeHook(events: string[], extra: Record<string, unknown> = {}) {
  const r = await api("/api/v1/webhooks", { headers: ADMIN, body: { url: DEAD_URL, events, ...extra } });
  expect(r.status).toBe(201);
  return r.body as { id: string; secret: string };
}

const deliveriesOf = (hookId: string) => db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hookId)).all();

/** The first attempt runs in waitUntil after the answer; wait for it to settle. */
async function settled(hookId: string, count: number) {
  await vi.waitFor(
    async () => {
      const rows = await deliveriesOf(hookId);
      expect(rows).toHaveLength(count);
      for (const r of rows) expect(r.attempts).toBeGreaterThanOrEqual(1);
    },
    { timeout: 5000, interval: 50 },
  );
  return deliveriesOf(hookId);
}

describe("signatures and schedule", () => {
  it("signs t.body with HMAC-SHA256 (hand-checked vector)", async () => {
    expect(await signatureHeader("whsec_test", '{"a":1}', 1700000000)).toBe(
      "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789",
    );
  });

  it("backs off exponentially: 2, 4, 8 … minutes, capped at 12 hours", () => {
    expect([1, 2, 3, 4].map(retryDelayMs)).toEqual([2, 4, 8, 16].map((m) => m * 60_000));
    expect(retryDelayMs(20)).toBe(12 * 3600_000);
  });
});

describe("/api/v1/webhooks", () => {
  it("creates (secret shown once), lists, updates, rotates, deletes", async () => {
    const hook = await makeHook(["response.created"]);
    // New endpoints sign the Standard Webhooks way: base64 after whsec_, as its verifiers expect.
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(atob(hook.secret.slice(6))).toHaveLength(24);
    const list = await api("/api/v1/webhooks", { headers: ADMIN });
    const listed = list.body.data.find((h: { id: string }) => h.id === hook.id);
    expect(listed).toMatchObject({
      url: DEAD_URL,
      events: ["response.created"],
      format: "generic",
      signing: "standard",
      active: true,
      pending: 0,
      failed: 0,
    });
    expect(JSON.stringify(list.body)).not.toContain(hook.secret);

    const p = await api(`/api/v1/webhooks/${hook.id}`, {
      method: "PATCH",
      headers: ADMIN,
      body: { events: ["response.detractor"], format: "slack" },
    });
    expect(p.body).toMatchObject({ events: ["response.detractor"], format: "slack" });
    expect(p.body.secret).toBeUndefined();
    const rotated = await api(`/api/v1/webhooks/${hook.id}`, { method: "PATCH", headers: ADMIN, body: { rotateSecret: true } });
    expect(rotated.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(rotated.body.secret).not.toBe(hook.secret);

    expect((await api(`/api/v1/webhooks/${hook.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(204);
    expect((await api(`/api/v1/webhooks/${hook.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(404);
  });

  it("answers an empty PATCH with the webhook unchanged (found by the route fuzz: it was a 500)", async () => {
    const hook = await makeHook(["response.created"]);
    const p = await api(`/api/v1/webhooks/${hook.id}`, { method: "PATCH", headers: ADMIN, body: {} });
    expect(p.status).toBe(200);
    expect(p.body).toMatchObject({ id: hook.id, url: DEAD_URL, events: ["response.created"], format: "generic", active: true });
    expect(p.body.secret).toBeUndefined();
  });

  it("validates URLs (https, or http to localhost only) and events", async () => {
    for (const body of [
      { url: "http://example.com/hook", events: ["response.created"] },
      { url: "https://user:pw@example.com/hook", events: ["response.created"] },
      { url: "ftp://example.com", events: ["response.created"] },
      { url: "not a url", events: ["response.created"] },
      { url: "https://example.com", events: [] },
      { url: "https://example.com", events: ["response.deleted"] },
      { url: "https://example.com", events: ["response.created"], format: "xml" },
    ]) {
      const r = await api("/api/v1/webhooks", { headers: ADMIN, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
  });
});

describe("events", () => {
  it("queues created + detractor for a detractor, created only for a promoter, updated on a comment", async () => {
    const hook = await makeHook(["response.created", "response.updated", "response.detractor"]);
    const s = await createSurvey({ name: "Events" });
    const det = await answer(s.id, null, 3);
    const rows = await settled(hook.id, 2);
    expect(rows.map((r) => r.event).sort()).toEqual(["response.created", "response.detractor"]);
    const payload = JSON.parse(rows[0]!.payload);
    expect(payload).toMatchObject({
      event: rows[0]!.event,
      data: { survey: { id: s.id, name: "Events", kind: "nps" }, response: { id: det.id, score: 3, category: "detractor" } },
    });
    expect(payload.id).toMatch(/^evt_/);

    await answer(s.id, null, 10);
    expect(await settled(hook.id, 3)).toHaveLength(3);

    // The comment arrives later: response.updated, and no second detractor alert.
    const patch = await api(`/api/v1/surveys/${s.id}/responses/${det.id}`, {
      method: "PATCH",
      body: { comment: "too slow", editToken: det.editToken },
    });
    expect(patch.status).toBe(200);
    const after = await settled(hook.id, 4);
    const updated = after.find((r) => r.event === "response.updated")!;
    expect(JSON.parse(updated.payload).data.response.comment).toBe("too slow");
  });

  it("a score changed into the detractor range alerts once", async () => {
    const hook = await makeHook(["response.detractor"]);
    const s = await createSurvey();
    const id = crypto.randomUUID();
    const editToken = "respondent-token-0123456789";
    await submit(s.id, { id, score: 9, editToken });
    await submit(s.id, { id, score: 4, editToken }); // same id: an update
    await submit(s.id, { id, score: 2, editToken }); // still a detractor: no new alert
    const rows = await settled(hook.id, 1);
    expect(JSON.parse(rows[0]!.payload).data.response.score).toBe(4);
  });

  it("inactive hooks and unsubscribed events queue nothing", async () => {
    const off = await makeHook(["response.created"], { active: false });
    const other = await makeHook(["contact.unsubscribed"]);
    const s = await createSurvey();
    await answer(s.id, null, 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(await deliveriesOf(off.id)).toEqual([]);
    expect(await deliveriesOf(other.id)).toEqual([]);
  });

  it("a manager's personal Slack hook hears only about their own accounts", async () => {
    const a = await createUser("manager");
    const b = await createUser("manager");
    const set = await api(`/api/v1/users/${a.id}`, { method: "PATCH", headers: ADMIN, body: { slackWebhookUrl: `${DEAD_URL}/slack` } });
    expect(set.status).toBe(200);
    const hook = (await db.select().from(webhooks).where(eq(webhooks.userId, a.id)).get())!;
    const s = await createSurvey();
    await answer(s.id, await insertAccount("B's", b.id), 1, "B's client is angry");
    await answer(s.id, await insertAccount("A's", a.id), 10, "A's client is happy");
    await answer(s.id, await insertAccount("A's too", a.id), 2, "A's client is angry");
    const rows = await settled(hook.id, 1);
    expect(JSON.parse(rows[0]!.payload).data.response.comment).toBe("A's client is angry");
  });
});

describe("contact.unsubscribed", () => {
  it("is queued for subscribed hooks, with the contact's ids (for the accounts branch's unsubscribe)", async () => {
    const hook = await makeHook(["contact.unsubscribed"], { active: true });
    const s = await createSurvey();
    const r = await answer(s.id, await insertAccount("Unsub", null), 8);
    const ids = await enqueueContactUnsubscribed(db, r.contactId!);
    const mine = await deliveriesOf(hook.id);
    expect(mine).toHaveLength(1);
    const [row] = mine;
    expect(ids).toContain(row!.id); // (other hooks of this file may listen too)
    expect(JSON.parse(row!.payload)).toMatchObject({ event: "contact.unsubscribed", data: { contact: { id: r.contactId } } });
    expect(await enqueueContactUnsubscribed(db, "ctc_missing")).toEqual([]);
  });
});

describe("retries from the cron", () => {
  it("retries with backoff on the schedule, then gives up after MAX_ATTEMPTS", async () => {
    const hook = await makeHook(["response.created"]);
    const s = await createSurvey();
    await answer(s.id, null, 8);
    const [first] = await settled(hook.id, 1);
    expect(first).toMatchObject({ status: "pending", attempts: 1 });
    expect(first!.lastError).toBeTruthy();

    let due = first!.nextAttemptAt.getTime();
    // Before it is due, the cron leaves it alone.
    await runWebhookDeliveries(env, due - 1000);
    expect((await deliveriesOf(hook.id))[0]!.attempts).toBe(1);

    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      await runWebhookDeliveries(env, due);
      const row = (await deliveriesOf(hook.id))[0]!;
      expect(row.attempts).toBe(attempt);
      if (attempt < MAX_ATTEMPTS) {
        expect(row.status).toBe("pending");
        expect(row.nextAttemptAt.getTime()).toBe(due + retryDelayMs(attempt));
        due = row.nextAttemptAt.getTime();
      } else {
        expect(row.status).toBe("failed");
      }
    }
    // Failed deliveries are not retried by the cron any more.
    await runWebhookDeliveries(env, due + 48 * 3600_000);
    expect((await deliveriesOf(hook.id))[0]!.attempts).toBe(MAX_ATTEMPTS);
    const listed = (await api("/api/v1/webhooks", { headers: ADMIN })).body.data.find((h: { id: string }) => h.id === hook.id);
    expect(listed.failed).toBe(1);
    const history = await api(`/api/v1/webhooks/${hook.id}/deliveries`, { headers: ADMIN });
    expect(history.body.data[0]).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, nextAttemptAt: null });
  });

  it("the Worker's scheduled handler runs the deliveries", async () => {
    const hook = await makeHook(["response.created"]);
    const s = await createSurvey();
    await answer(s.id, null, 8);
    const [first] = await settled(hook.id, 1);
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: first!.nextAttemptAt.getTime(), cron: "17 * * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await deliveriesOf(hook.id))[0]!.attempts).toBe(2);
  });
});

describe("delivery URLs never reach private, local or reserved addresses (SSRF)", () => {
  const NON_PUBLIC = [
    "https://169.254.169.254/latest/meta-data/",
    "https://127.0.0.1:8787/hook",
    "https://[::1]/hook",
    "https://2130706433/hook",
    "https://0x7f.1/hook",
    "https://0.0.0.0/hook",
    "https://10.0.0.1/hook",
    "https://192.168.0.10/hook",
    "https://100.64.0.1/hook",
    "https://[fe80::1]/hook",
    "https://[fd00::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[::ffff:7f00:1]/hook",
    "https://[64:ff9b::a9fe:a9fe]/hook",
    "https://localhost/hook",
    "https://api.localhost/hook",
    "https://printer.local/hook",
    "https://metadata.google.internal/hook",
    "https://intranet/hook",
  ];

  it("refuses them with 400 naming the field: webhooks (create, update), Slack URLs (own, by an admin, new user)", async () => {
    const hook = await makeHook(["response.created"]);
    const manager = await sessionAs("manager");
    const other = await createUser("manager");
    for (const url of NON_PUBLIC) {
      const attempts: [string, { status: number; body: any }][] = [
        ["url", await api("/api/v1/webhooks", { headers: ADMIN, body: { url, events: ["response.created"] } })],
        ["url", await api(`/api/v1/webhooks/${hook.id}`, { method: "PATCH", headers: ADMIN, body: { url } })],
        ["slackWebhookUrl", await api("/api/v1/auth/me", { method: "PATCH", headers: manager.write, body: { slackWebhookUrl: url } })],
        ["slackWebhookUrl", await api(`/api/v1/users/${other.id}`, { method: "PATCH", headers: ADMIN, body: { slackWebhookUrl: url } })],
        [
          "slackWebhookUrl",
          await api("/api/v1/users", {
            headers: ADMIN,
            body: { email: `ssrf-${crypto.randomUUID()}@example.com`, role: "manager", slackWebhookUrl: url },
          }),
        ],
      ];
      for (const [field, r] of attempts) {
        expect(r.status, `${url}: ${JSON.stringify(r.body)}`).toBe(400);
        expect(r.body.error, url).toMatchObject({ code: "invalid_field", field });
      }
    }
    // Nothing was stored: the hook kept its URL, neither manager got a personal hook.
    expect((await db.select().from(webhooks).where(eq(webhooks.id, hook.id)).get())!.url).toBe(DEAD_URL);
    for (const id of [manager.user.id, other.id]) {
      expect(await db.select().from(webhooks).where(eq(webhooks.userId, id)).all()).toEqual([]);
    }
  });

  it("a stored private URL (from before the rule) is re-checked at delivery and never connected to", async () => {
    const id = `whk_legacy_${crypto.randomUUID().slice(0, 8)}`;
    await db.insert(webhooks).values({
      id,
      url: "https://169.254.169.254/latest/meta-data/",
      secret: "whsec_x",
      events: ["webhook.test" as never],
      format: "generic",
      active: true,
    });
    const r = await api(`/api/v1/webhooks/${id}/test`, { method: "POST", headers: ADMIN });
    await db.update(webhooks).set({ active: false }).where(eq(webhooks.id, id));
    expect(r.status).toBe(200);
    // Given up at once: retrying would not make the address public.
    expect(r.body).toMatchObject({ status: "failed", attempts: 1, lastError: "address refused" });
  });

  it("callers see a generic failure reason, not the runtime's message", async () => {
    const hook = await makeHook(["response.created"]);
    const r = await api(`/api/v1/webhooks/${hook.id}/test`, { method: "POST", headers: ADMIN });
    expect(r.body).toMatchObject({ status: "pending", attempts: 1, lastError: "connection failed" });
    const listed = await api(`/api/v1/webhooks/${hook.id}/deliveries`, { headers: ADMIN });
    expect(listed.body.data[0].lastError).toBe("connection failed");
  });

  it("every change of a delivery URL is audited, with its origin only (a Slack URL's path is its secret)", async () => {
    const secretPath = `/services/T0/B0/${crypto.randomUUID()}`;
    const manager = await sessionAs("manager");
    const me = (body: unknown) => api("/api/v1/auth/me", { method: "PATCH", headers: manager.write, body });
    expect((await me({ slackWebhookUrl: `https://hooks.slack.com${secretPath}` })).status).toBe(200);
    expect((await me({ slackWebhookUrl: null })).status).toBe(200);
    expect((await me({ name: "Just a name" })).status).toBe(200);
    const mine = await db.select().from(auditLog).where(eq(auditLog.target, manager.user.id)).all();
    expect(mine.map((a) => [a.actor, a.action, a.details])).toEqual([
      [`user:${manager.user.id}`, "user.update", { slackWebhookUrl: "https://hooks.slack.com" }],
      [`user:${manager.user.id}`, "user.update", { slackWebhookUrl: null }],
    ]);

    const created = await api("/api/v1/webhooks", {
      headers: ADMIN,
      body: { url: `https://hooks.example.com${secretPath}`, events: ["response.created"] },
    });
    await api(`/api/v1/webhooks/${created.body.id}`, { method: "PATCH", headers: ADMIN, body: { url: `https://other.example.com${secretPath}` } });
    await api(`/api/v1/webhooks/${created.body.id}`, { method: "DELETE", headers: ADMIN });
    const trail = await db.select().from(auditLog).where(eq(auditLog.target, created.body.id)).all();
    expect(trail.map((a) => a.action).sort()).toEqual(["webhook.create", "webhook.delete", "webhook.update"]);
    expect(trail.find((a) => a.action === "webhook.update")!.details).toMatchObject({ url: "https://other.example.com", urlChanged: true });
    expect(JSON.stringify([...mine, ...trail])).not.toContain(secretPath);
    expect(JSON.stringify(trail)).not.toContain(created.body.secret);
  });
});

describe("signing formats", () => {
  it("keeps the Barometre-Signature format (base32 secret) for endpoints that ask for it", async () => {
    const hook = await makeHook(["response.created"], { signing: "barometre" });
    expect(hook.secret).toMatch(/^whsec_[0-9a-z]{32}$/);
    const rotated = await api(`/api/v1/webhooks/${hook.id}`, { method: "PATCH", headers: ADMIN, body: { rotateSecret: true } });
    expect(rotated.body).toMatchObject({ signing: "barometre" });
    expect(rotated.body.secret).toMatch(/^whsec_[0-9a-z]{32}$/);
  });

  it("signs id.timestamp.body with the base64-decoded secret (a hand-checked Standard Webhooks vector)", async () => {
    // The example of the Standard Webhooks specification.
    const sig = await standardSignature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
    expect(sig).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });
});
