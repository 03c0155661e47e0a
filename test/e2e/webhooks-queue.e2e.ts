/**
 * Webhooks through Cloudflare Queues, against a real `wrangler dev` (its local queues, consumer
 * and dead-letter queue as declared in wrangler.toml) and a receiving server on 127.0.0.1.
 * Retry delays are shortened by vars (1 s doubling, at most 2 s) so ten tries take seconds.
 */
import { execFileSync } from "node:child_process";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { freePort } from "./net";
import { callApi, startWorker, type RunningWorker } from "./worker";
import { wranglerEnv } from "./wranglerDev";

const ADMIN = "e2e-queue-admin-key-0123456789abc";
let worker: RunningWorker;
let server: Server;
let base = "";
const received: { path: string; headers: IncomingHttpHeaders; body: string; status: number }[] = [];
const failures = new Map<string, number>(); // path → how many more times to fail

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "";
      const left = path === "/down" ? Infinity : (failures.get(path) ?? 0);
      const status = left > 0 ? 503 : 200;
      if (left > 0 && left !== Infinity) failures.set(path, left - 1);
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), status });
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "ok" : "down");
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  base = `http://127.0.0.1:${port}`;
  worker = await startWorker({
    ADMIN_API_KEY: ADMIN,
    ALLOW_LOCAL_DELIVERY_URLS: "true",
    WEBHOOK_DELIVERY: "", // the queues of wrangler.toml
    WEBHOOK_RETRY_BASE_SECONDS: "1",
    WEBHOOK_RETRY_MAX_SECONDS: "2",
    WEBHOOK_DETRACTOR_WAIT_SECONDS: "3",
  });
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await new Promise((r) => server?.close(r));
});

const admin = (path: string, init: { method?: string; body?: unknown } = {}) => callApi(worker.base, ADMIN, path, init);

async function hook(path: string, events: string[], extra: Record<string, unknown> = {}) {
  const r = await admin("/api/v1/webhooks", { body: { url: `${base}${path}`, events, ...extra } });
  expect(r.status).toBe(201);
  return r.body as { id: string; secret: string; signing: string };
}

async function survey() {
  const r = await admin("/api/v1/surveys", { body: { name: `Queue ${Math.random()}`, kind: "nps" } });
  return r.body as { id: string };
}

async function answer(surveyId: string, score: number) {
  const r = await fetch(`${worker.base}/api/v1/surveys/${surveyId}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ id: crypto.randomUUID(), score }),
  });
  expect(r.status).toBe(201);
  return (await r.json()) as { id: string; editToken: string };
}

const deliveries = async (hookId: string) => (await admin(`/api/v1/webhooks/${hookId}/deliveries`)).body.data as any[];
const attempts = async (hookId: string, deliveryId: string) =>
  (await admin(`/api/v1/webhooks/${hookId}/deliveries/${deliveryId}/attempts`)).body.data as any[];
const at = (path: string, surveyId: string) => received.filter((r) => r.path === path && r.body.includes(surveyId));

describe("webhooks on Cloudflare Queues", () => {
  it("signs new endpoints the Standard Webhooks way: the standardwebhooks verifier accepts it", async () => {
    const h = await hook("/std", ["response.created"]);
    expect(h.signing).toBe("standard");
    const s = await survey();
    await answer(s.id, 9);
    await vi.waitFor(() => expect(at("/std", s.id)).toHaveLength(1), { timeout: 20_000, interval: 100 });
    const got = at("/std", s.id)[0]!;
    const headers = got.headers as Record<string, string>;
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    const event = new Webhook(h.secret).verify(got.body, headers) as any;
    expect(event).toMatchObject({ event: "response.created", data: { survey: { id: s.id }, response: { score: 9 } } });
    expect(() => new Webhook(h.secret).verify(got.body.replace('"score":9', '"score":0'), headers)).toThrow();
    expect(headers["barometre-signature"]).toBeUndefined();
  });

  it("a receiver failing twice then succeeding gets exactly one successful delivery, every attempt logged", async () => {
    const h = await hook("/flaky", ["response.created"]);
    failures.set("/flaky", 2);
    const s = await survey();
    await answer(s.id, 8);
    await vi.waitFor(async () => expect((await deliveries(h.id))[0]).toMatchObject({ status: "delivered", attempts: 3 }), {
      timeout: 30_000,
      interval: 200,
    });
    const got = at("/flaky", s.id);
    expect(got.map((g) => g.status)).toEqual([503, 503, 200]);
    expect(new Set(got.map((g) => g.headers["webhook-id"])).size).toBe(1); // one delivery, retried
    const [d] = await deliveries(h.id);
    const log = await attempts(h.id, d.id);
    expect(log.map((a) => [a.attempt, a.ok, a.error])).toEqual([
      [1, false, "HTTP 503"],
      [2, false, "HTTP 503"],
      [3, true, null],
    ]);
    // Nothing more arrives afterwards (the queue was told the delivery succeeded).
    await new Promise((r) => setTimeout(r, 3000));
    expect(at("/flaky", s.id)).toHaveLength(3);
  });

  it("an endpoint that always fails ends in the dead-letter queue, failed with every attempt logged, and can be replayed", async () => {
    const h = await hook("/down", ["response.created"]);
    const s = await survey();
    await answer(s.id, 7);
    await vi.waitFor(async () => expect((await deliveries(h.id))[0]).toMatchObject({ status: "failed", attempts: 10 }), {
      timeout: 90_000,
      interval: 500,
    });
    const [d] = await deliveries(h.id);
    expect(d.lastError).toBe("HTTP 503");
    const log = await attempts(h.id, d.id);
    expect(log.map((a) => a.attempt)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(log.every((a) => !a.ok)).toBe(true);
    expect(at("/down", s.id)).toHaveLength(10);
    expect((await admin("/api/v1/webhooks")).body.data.find((x: any) => x.id === h.id).failed).toBe(1);
    // The receiver is fixed: re-point the hook and replay the failed delivery from the admin API.
    await admin(`/api/v1/webhooks/${h.id}`, { method: "PATCH", body: { url: `${base}/fixed` } });
    const replay = await admin(`/api/v1/webhooks/${h.id}/deliveries/${d.id}/retry`, { method: "POST" });
    expect(replay.body).toMatchObject({ status: "delivered", attempts: 11 });
    expect(at("/fixed", s.id)).toHaveLength(1);
  }, 120_000);

  it("delivers, through the cron's sweep, an event recorded while the queue was unavailable", async () => {
    const h = await hook("/swept", ["response.created"]);
    const id = `whd_sweep${Date.now()}`;
    const payload = JSON.stringify({ id: "evt_sweep", event: "response.created", createdAt: new Date().toISOString(), data: { note: id } });
    const past = Date.now() - 5 * 60_000;
    // What the answer's write leaves when the queue refuses the message: a pending row, never queued.
    execFileSync(
      "npx",
      [
        "wrangler",
        "d1",
        "execute",
        "DB",
        "--local",
        "--persist-to",
        worker.dir,
        "--command",
        `INSERT INTO webhook_deliveries (id, webhook_id, event, payload, status, attempts, next_attempt_at, created_at) VALUES ('${id}', '${h.id}', 'response.created', '${payload.replace(/'/g, "''")}', 'pending', 0, ${past}, ${past})`,
      ],
      { env: wranglerEnv(), stdio: "ignore" },
    );
    await new Promise((r) => setTimeout(r, 2000));
    expect(received.filter((r) => r.path === "/swept")).toHaveLength(0);
    const cron = await fetch(`${worker.base}/__scheduled?cron=${encodeURIComponent("17 * * * *")}`);
    expect(cron.status).toBe(200);
    await vi.waitFor(() => expect(received.filter((r) => r.path === "/swept" && r.body.includes(id))).toHaveLength(1), {
      timeout: 20_000,
      interval: 200,
    });
    await vi.waitFor(async () => expect((await deliveries(h.id))[0]).toMatchObject({ id, status: "delivered", attempts: 1 }), {
      timeout: 10_000,
      interval: 200,
    });
  });

  it("a detractor alert waits for the comment given just after the score, so Slack shows it", async () => {
    await hook("/slack", ["response.detractor"], { format: "slack" });
    const s = await survey();
    const r = await answer(s.id, 2);
    const patch = await fetch(`${worker.base}/api/v1/surveys/${s.id}/responses/${r.id}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ comment: "The export has been broken for a week", editToken: r.editToken }),
    });
    expect(patch.status).toBe(200);
    await vi.waitFor(() => expect(received.filter((x) => x.path === "/slack" && x.body.includes("2/10"))).toHaveLength(1), {
      timeout: 20_000,
      interval: 200,
    });
    const alert = JSON.parse(received.find((x) => x.path === "/slack" && x.body.includes("2/10"))!.body);
    expect(alert.text).toContain("Detractor: 2/10");
    expect(alert.text).toContain("> The export has been broken for a week");
  });
});
