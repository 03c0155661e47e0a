/**
 * The delivery adapter over real HTTP: a Node stub email API on 127.0.0.1, a real `wrangler dev`
 * configured to use it (EMAIL_API_URL… in its env file), and the cron fired through wrangler's
 * /__scheduled endpoint. Nothing of ours is mocked.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./net";
import { callApi, startWorker, type RunningWorker } from "./worker";

const KEY = "e2e-delivery-admin-key-0123456789";
const SECRET = "e2e-bounce-secret-0123456789";
let base = "";
let worker: RunningWorker | undefined;
let stub: Server;
const received: { headers: IncomingMessage["headers"]; body: any }[] = [];
const attempts = new Map<string, number>();

beforeAll(async () => {
  // The stub: 422 for "reject" addresses (permanent), 503 once for "flaky" ones, 202 otherwise.
  stub = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      const body = JSON.parse(raw);
      received.push({ headers: req.headers, body });
      const to: string = body.to.email;
      const n = (attempts.get(to) ?? 0) + 1;
      attempts.set(to, n);
      const status = to.startsWith("reject") ? 422 : to.startsWith("flaky") && n === 1 ? 503 : 202;
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ ok: status === 202 }));
    });
  });
  const stubPort = await freePort();
  await new Promise<void>((r) => stub.listen(stubPort, "127.0.0.1", r));

  worker = await startWorker({
    ADMIN_API_KEY: KEY,
    EMAIL_API_URL: `http://127.0.0.1:${stubPort}/send`,
    EMAIL_API_KEY: "stub-api-key",
    EMAIL_FROM: "nps@example.test",
    PUBLIC_URL: "https://nps.example.test",
    EMAIL_WEBHOOK_SECRET: SECRET,
  });
  base = worker.base;
});

afterAll(async () => {
  await worker?.stop();
  await new Promise((r) => stub?.close(r));
});

const call = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) => callApi(base, KEY, path, init);

const cron = async () => {
  const res = await fetch(`${base}/__scheduled?cron=${encodeURIComponent("17 * * * *")}`);
  expect(res.status).toBe(200);
};

describe("email delivery adapter", () => {
  it("sends pending invitations to the email API, marks sent/failed, retries transient errors, records bounces and unsubscribes", async () => {
    expect((await call("/api/v1/accounts/bulk", { body: { accounts: [{ externalId: "A", name: "Acme", startedOn: "2024-01-01" }] } })).status).toBe(
      200,
    );
    const contacts = await call("/api/v1/contacts/bulk", {
      body: {
        contacts: [
          { externalId: "ok", email: "ok@client.test", name: "Olga", locale: "fr", accountExternalId: "A" },
          { externalId: "reject", email: "reject@client.test", accountExternalId: "A" },
          { externalId: "flaky", email: "flaky@client.test", accountExternalId: "A" },
        ],
      },
    });
    expect(contacts.body.created).toBe(3);
    const month = new Date().getUTCMonth() + 1;
    const survey = await call("/api/v1/surveys", {
      body: { name: "Barometer", kind: "nps", cadence: { enabled: true, months: [month], day: 1, windowDays: 120 } },
    });
    expect(survey.status).toBe(201);

    await cron();
    expect(received).toHaveLength(3);
    const ok = received.find((r) => r.body.to.email === "ok@client.test")!;
    expect(ok.headers.authorization).toBe("Bearer stub-api-key");
    expect(ok.headers["idempotency-key"]).toBe(ok.body.id);
    expect(ok.body).toMatchObject({
      from: "nps@example.test",
      to: { email: "ok@client.test", name: "Olga" },
      locale: "fr",
      subject: "Auriez-vous dix secondes ?",
    });
    expect(ok.body.links.survey).toMatch(new RegExp(`^https://nps\\.example\\.test/s/${survey.body.id}\\?t=[0-9a-z]{32}$`));
    const token = /t=([0-9a-z]{32})/.exec(ok.body.links.survey)![1]!;
    expect(ok.body.links.unsubscribe).toBe(`https://nps.example.test/u/${token}`);
    expect(ok.body.headers["List-Unsubscribe"]).toBe(`<https://nps.example.test/u/${token}>`);
    expect(ok.body.html).toContain(ok.body.links.survey);

    let [wave] = (await call(`/api/v1/waves?surveyId=${survey.body.id}`)).body.data;
    expect(wave).toMatchObject({ invited: 3, delivered: 1, bounced: 0, responded: 0 });

    // Second run: the flaky address is retried and sent; the sent one is not sent again; the
    // rejected one stays failed.
    await cron();
    expect(received).toHaveLength(4);
    expect(attempts.get("ok@client.test")).toBe(1);
    expect(attempts.get("flaky@client.test")).toBe(2);
    expect(attempts.get("reject@client.test")).toBe(1);
    [wave] = (await call(`/api/v1/waves?surveyId=${survey.body.id}`)).body.data;
    expect(wave).toMatchObject({ invited: 3, delivered: 2, bounced: 0 });

    // The provider reports a bounce for the flaky address.
    const flaky = received.find((r) => r.body.to.email === "flaky@client.test")!;
    const bounce = await call("/api/v1/email/bounces", {
      headers: { authorization: `Bearer ${SECRET}` },
      body: { bounces: [{ invitationId: flaky.body.id, reason: "550" }] },
    });
    expect(bounce.body).toEqual({ recorded: 1, unknown: 0 });
    [wave] = (await call(`/api/v1/waves?surveyId=${survey.body.id}`)).body.data;
    expect(wave).toMatchObject({ invited: 3, delivered: 1, bounced: 1, responseRate: 0 });

    // The unsubscribe link, as a person without JavaScript would use it.
    const page = await fetch(`${base}/u/${token}`);
    expect(await page.text()).toContain('<form method="post">');
    const done = await fetch(`${base}/u/${token}`, { method: "POST" });
    expect(done.status).toBe(200);
    const olga = (await call("/api/v1/contacts?q=ok%40client")).body.data[0];
    expect(olga.unsubscribedAt).not.toBeNull();
  });
});
