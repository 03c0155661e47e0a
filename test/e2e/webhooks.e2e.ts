/**
 * Webhook deliveries against a real HTTP server: a Node stub on 127.0.0.1 receives what the
 * running Worker (wrangler dev) sends. Checks the signature as a receiver would, the Slack payload,
 * and a failed delivery sent again.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { adminApi } from "./api";

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let base = "";
const received: Received[] = [];
const failFirst = new Set<string>();
const hooks: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "";
      received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      // /flaky answers 500 the first time each delivery arrives, 200 afterwards.
      const id = String(req.headers["barometre-delivery"]);
      if (path === "/redirect") {
        // A receiver (or whoever took over its name) trying to bounce the Worker elsewhere.
        res.writeHead(302, { location: `${base}/redirected` }).end();
      } else if (path === "/flaky" && !failFirst.has(id)) {
        failFirst.add(id);
        res.writeHead(500).end("try later");
      } else {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
});

afterAll(async () => {
  for (const id of hooks) await adminApi(`/api/v1/webhooks/${id}`, { method: "DELETE" });
  await new Promise((r) => server.close(r));
});

// These hooks keep the Barometre-Signature format (endpoints from before Standard Webhooks);
// test/e2e/webhooks-queue.e2e.ts covers the Standard Webhooks default.
async function hook(path: string, events: string[], format = "generic") {
  const r = await adminApi("/api/v1/webhooks", { body: { url: `${base}${path}`, events, format, signing: "barometre" } });
  expect(r.status).toBe(201);
  hooks.push(r.body.id);
  return r.body as { id: string; secret: string };
}

async function survey() {
  const r = await adminApi("/api/v1/surveys", { body: { name: `Hooks ${Date.now()}`, kind: "nps" } });
  return r.body as { id: string };
}

const submit = (surveyId: string, score: number, comment?: string) =>
  fetch(`${inject("baseUrl")}/api/v1/surveys/${surveyId}/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ id: crypto.randomUUID(), score, ...(comment ? { comment } : {}) }),
  });

/** What a receiver does: recompute HMAC-SHA256(secret, t + "." + body) and compare in constant time. */
function verify(secret: string, header: string, body: string, toleranceSeconds = 300): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!m) return false;
  if (Math.abs(Date.now() / 1000 - Number(m[1])) > toleranceSeconds) return false;
  const expected = createHmac("sha256", secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, "hex"));
}

const forSurvey = (path: string, surveyId: string) => received.filter((r) => r.path === path && r.body.includes(surveyId));

describe("webhook deliveries", () => {
  it("delivers signed events right after the answer", async () => {
    const h = await hook("/generic", ["response.created", "response.detractor"]);
    const s = await survey();
    expect((await submit(s.id, 2)).status).toBe(201);
    await vi.waitFor(() => expect(forSurvey("/generic", s.id)).toHaveLength(2), { timeout: 15_000, interval: 100 });
    const got = forSurvey("/generic", s.id);
    for (const r of got) {
      expect(r.headers["content-type"]).toBe("application/json");
      expect(verify(h.secret, String(r.headers["barometre-signature"]), r.body)).toBe(true);
      // A tampered body or another secret fails verification.
      expect(verify(h.secret, String(r.headers["barometre-signature"]), r.body.replace('"score":2', '"score":9'))).toBe(false);
      expect(verify("whsec_other", String(r.headers["barometre-signature"]), r.body)).toBe(false);
      const json = JSON.parse(r.body);
      expect(r.headers["barometre-event"]).toBe(json.event);
      expect(String(r.headers["barometre-delivery"])).toMatch(/^whd_[0-9a-f]{20}$/);
      expect(json.data.response).toMatchObject({ score: 2, category: "detractor" });
    }
    expect(got.map((r) => JSON.parse(r.body).event).sort()).toEqual(["response.created", "response.detractor"]);
    const log = await adminApi(`/api/v1/webhooks/${h.id}/deliveries`);
    expect(log.body.data.filter((d: { status: string }) => d.status === "delivered").length).toBeGreaterThanOrEqual(2);
  });

  it("sends Slack-compatible {text} detractor alerts, with the respondent's text escaped", async () => {
    await hook("/slack", ["response.detractor"], "slack");
    const s = await survey();
    const res = await submit(s.id, 1, "<!channel> it is broken & <b>slow</b>");
    expect(res.status).toBe(201);
    // The Slack body does not carry the survey id: match on the escaped comment instead.
    await vi.waitFor(() => expect(received.filter((r) => r.path === "/slack" && r.body.includes("it is broken"))).toHaveLength(1), {
      timeout: 15_000,
      interval: 100,
    });
    const r = received.find((r) => r.path === "/slack" && r.body.includes("it is broken"))!;
    const body = JSON.parse(r.body);
    expect(Object.keys(body)).toEqual(["text"]);
    expect(body.text).toContain("Detractor: 1/10 from an anonymous respondent");
    expect(body.text).toContain("&lt;!channel&gt; it is broken &amp; &lt;b&gt;slow&lt;/b&gt;");
    expect(body.text).not.toContain("<!channel>");
  });

  it("a failed delivery is kept pending with its error and succeeds when sent again", async () => {
    const h = await hook("/flaky", ["response.created"]);
    const s = await survey();
    await submit(s.id, 9);
    await vi.waitFor(() => expect(forSurvey("/flaky", s.id)).toHaveLength(1), { timeout: 15_000, interval: 100 });
    let pending: { id: string; status: string; attempts: number; lastError: string | null } | undefined;
    await vi.waitFor(
      async () => {
        const log = await adminApi(`/api/v1/webhooks/${h.id}/deliveries`);
        pending = log.body.data[0];
        expect(pending).toMatchObject({ status: "pending", attempts: 1, lastError: "HTTP 500" });
      },
      { timeout: 10_000, interval: 100 },
    );

    const retried = await adminApi(`/api/v1/webhooks/${h.id}/deliveries/${pending!.id}/retry`, { method: "POST" });
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: "delivered", attempts: 2, lastError: null });
    const both = forSurvey("/flaky", s.id);
    expect(both).toHaveLength(2);
    expect(both[0]!.headers["barometre-delivery"]).toBe(both[1]!.headers["barometre-delivery"]);
    expect(both[0]!.body).toBe(both[1]!.body); // same event, same payload: receivers de-duplicate
    expect(verify(h.secret, String(both[1]!.headers["barometre-signature"]), both[1]!.body)).toBe(true);
  });

  it("never follows a redirect: the attempt fails as 'redirect refused' and the target gets nothing", async () => {
    const h = await hook("/redirect", ["response.created"]);
    const r = await adminApi(`/api/v1/webhooks/${h.id}/test`, { method: "POST" });
    expect(r.body).toMatchObject({ event: "webhook.test", status: "pending", attempts: 1, lastError: "redirect refused" });
    expect(received.filter((x) => x.path === "/redirect" && x.body.includes(h.id))).toHaveLength(1);
    expect(received.filter((x) => x.path === "/redirected")).toHaveLength(0);
  });

  it("POST /webhooks/:id/test sends a signed test event now", async () => {
    const h = await hook("/generic", ["response.created"]);
    const r = await adminApi(`/api/v1/webhooks/${h.id}/test`, { method: "POST" });
    expect(r.body).toMatchObject({ event: "webhook.test", status: "delivered", attempts: 1 });
    const got = received.filter((x) => x.body.includes(h.id) && x.headers["barometre-event"] === "webhook.test");
    expect(got).toHaveLength(1);
    expect(verify(h.secret, String(got[0]!.headers["barometre-signature"]), got[0]!.body)).toBe(true);
  });
});
