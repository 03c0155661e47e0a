/**
 * The official Delighted Node client (npm `delighted` 2.2.0, unchanged) against a real
 * `wrangler dev`: what a former Delighted user's integration does, end to end. Survey emails go
 * to a stub email API; the cron runs through wrangler's /__scheduled.
 */
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./net";
import { callApi, startWorker, type RunningWorker } from "./worker";

const require = createRequire(import.meta.url);
const Delighted = require("delighted");

const ADMIN = "e2e-delighted-admin-key-0123456789";
const BOUNCE_SECRET = "e2e-delighted-bounce-secret-0123";
let worker: RunningWorker;
let stub: Server;
const emails: any[] = [];
let client: any;
let key = "";

const day = 86400;
const T0 = Math.floor(Date.UTC(2026, 8, 1) / 1000); // 1 September 2026, 00:00 UTC

beforeAll(async () => {
  stub = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => {
      emails.push(JSON.parse(raw));
      res.writeHead(202, { "content-type": "application/json" }).end("{}");
    });
  });
  const stubPort = await freePort();
  await new Promise<void>((r) => stub.listen(stubPort, "127.0.0.1", r));
  worker = await startWorker({
    ADMIN_API_KEY: ADMIN,
    EMAIL_API_URL: `http://127.0.0.1:${stubPort}/send`,
    PUBLIC_URL: "https://nps.example.test",
    EMAIL_WEBHOOK_SECRET: BOUNCE_SECRET,
  });
  const survey = await callApi(worker.base, ADMIN, "/api/v1/surveys", { body: { name: "Delighted NPS", kind: "nps" } });
  expect(survey.status).toBe(201);
  const created = await callApi(worker.base, ADMIN, "/api/v1/api-keys", { body: { name: "delighted integration", role: "admin" } });
  expect(created.status).toBe(201);
  key = created.body.key;
  client = Delighted(key, { host: "127.0.0.1", port: worker.port, scheme: "http", base: "" });
}, 180_000);

afterAll(async () => {
  await worker?.stop();
  await new Promise((r) => stub?.close(r));
});

const people: Record<string, any> = {};

describe("the official delighted client against wrangler dev", () => {
  it("creates people with properties and a delay, and people without a survey", async () => {
    const before = Math.floor(Date.now() / 1000);
    const ann = await client.person.create({ email: "Ann@Example.test", name: "Ann", properties: { plan: "pro", locale: "fr" }, delay: 3600 });
    expect(ann.email).toBe("ann@example.test");
    expect(ann.name).toBe("Ann");
    expect(ann.survey_scheduled_at).toBeGreaterThanOrEqual(before + 3600);
    expect(ann.survey_scheduled_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600);
    people.ann = ann;
    people.bob = await client.person.create({ email: "bob@example.test", name: "Bob" });
    expect(people.bob.survey_scheduled_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    for (const n of ["c1", "c2", "c3", "c4", "c5"]) {
      people[n] = await client.person.create({ email: `${n}@example.test`, send: false });
      expect(people[n].survey_scheduled_at).toBeNull();
    }
    people.sms = await client.person.create({ phone_number: "+33612345678", name: "Sam", send: false });
    expect(people.sms.phone_number).toBe("+33612345678");
    // The same email again updates the same person.
    const again = await client.person.create({ email: "ann@example.test", send: false, properties: { team: "ops" } });
    expect(again.id).toBe(ann.id);
  });

  it("lists people across pages by following the absolute Link URL", async () => {
    const seen: string[] = [];
    await client.person.list({ per_page: 3 }).autoPagingEach((p: any) => void seen.push(p.id));
    const expected = Object.values(people).map((p: any) => p.id);
    expect(seen).toHaveLength(new Set(seen).size);
    expect(new Set(seen)).toEqual(new Set(expected));
    const raw = await fetch(`${worker.base}/v1/people?per_page=2`, { headers: { authorization: `Basic ${btoa(key)}` } });
    expect(raw.status).toBe(200);
    expect(raw.headers.get("link")).toMatch(new RegExp(`^<http://127\\.0\\.0\\.1:${worker.port}/v1/people\\?per_page=2&cursor=[^>]+>; rel="next"$`));
  });

  const answers: any[] = [];
  it("adds responses with their dates, properties and comments", async () => {
    const plan: [string, number, number, string | undefined][] = [
      ["ann", 10, T0 + 1 * day, "Great"],
      ["bob", 9, T0 + 2 * day, undefined],
      ["c1", 8, T0 + 3 * day, "ok"],
      ["c2", 3, T0 + 4 * day, "Too slow"],
      ["c3", 6, T0 + 5 * day, undefined],
      ["c4", 10, T0 + 6 * day, undefined],
      ["ann", 9, T0 + 40 * day, "Still good"], // Delighted counts Ann's second answer too
    ];
    for (const [who, score, at, comment] of plan) {
      const r = await client.surveyResponse.create({ person: people[who].id, score, comment, created_at: at, person_properties: { source: "e2e" } });
      expect(r.score).toBe(score);
      expect(r.created_at).toBe(at);
      expect(r.person).toBe(people[who].id);
      expect(r.person_properties).toEqual({ source: "e2e" });
      answers.push(r);
    }
  });

  it("updates a comment with save(), which PUTs /survey_responses with the id in the body", async () => {
    const r = await client.surveyResponse.retrieve(answers[1].id);
    r.comment = "Added later";
    const saved = await r.save();
    expect(saved.id).toBe(answers[1].id);
    expect(saved.comment).toBe("Added later");
    expect((await client.surveyResponse.retrieve(answers[1].id)).comment).toBe("Added later");
  });

  it("lists responses with paging, order, date and person filters, and expand", async () => {
    const all = await client.surveyResponse.all({ per_page: 100 });
    expect(all.map((r: any) => r.id)).toEqual(answers.map((a) => a.id));
    const page2 = await client.surveyResponse.all({ per_page: 2, page: 2, order: "desc" });
    // Newest first: 9 (Ann, day 40), 10, then page 2: 6, 3.
    expect(page2.map((r: any) => r.score)).toEqual([6, 3]);
    const sept = await client.surveyResponse.all({ since: new Date((T0 + 2 * day) * 1000), until: new Date((T0 + 4 * day) * 1000) });
    expect(sept.map((r: any) => r.score)).toEqual([9, 8, 3]);
    const updated = await client.surveyResponse.all({ updated_since: Math.floor(Date.now() / 1000) - 120, order: "desc:updated_at" });
    expect(updated[0].id).toBe(answers[1].id);
    const anns = await client.surveyResponse.all({ person_email: "ann@example.test" });
    expect(anns.map((r: any) => r.score)).toEqual([10, 9]);
    expect((await client.surveyResponse.all({ person_id: people.c2.id }))[0].comment).toBe("Too slow");
    const expanded = await client.surveyResponse.all({ expand: ["person"], per_page: 1 });
    expect(expanded[0].person.email).toBe("ann@example.test");
    const bracketed = await client.surveyResponse.all({ "expand[]": ["person"], per_page: 1 });
    expect(bracketed[0].person.id).toBe(people.ann.id);
  });

  it("reads metrics equal to a hand-computed NPS, every response counting", async () => {
    // September: 10, 9, 8, 3, 6, 10 → P 3, passive 1, D 2, n 6 → NPS round(100 × 1/6) = 17.
    const sept = await client.metrics.retrieve({ since: new Date(T0 * 1000), until: new Date((T0 + 30 * day - 1) * 1000) });
    expect({ ...sept }).toMatchObject({
      nps: 17,
      promoter_count: 3,
      promoter_percent: 50,
      passive_count: 1,
      passive_percent: 16.7,
      detractor_count: 2,
      detractor_percent: 33.3,
      response_count: 6,
    });
    // All time: Ann's second answer counts too → P 4, D 2, n 7 → round(200/7) = 29.
    const all = await client.metrics.retrieve();
    expect(all.nps).toBe(29);
    expect(all.response_count).toBe(7);
  });

  it("unsubscribes a person and lists unsubscribes", async () => {
    expect(await client.unsubscribe.create({ person_email: "c5@example.test" })).toMatchObject({ ok: true });
    const list = await client.unsubscribe.all();
    expect(list.map((u: any) => u.email)).toEqual(["c5@example.test"]);
    expect(list[0].person_id).toBe(people.c5.id);
  });

  it("sends the due survey by email and lists its bounce", async () => {
    const cron = await fetch(`${worker.base}/__scheduled?cron=${encodeURIComponent("17 * * * *")}`);
    expect(cron.status).toBe(200);
    // Bob's survey was due (no delay); Ann's waits an hour.
    expect(emails.map((e) => e.to.email)).toEqual(["bob@example.test"]);
    const bounce = await callApi(worker.base, BOUNCE_SECRET, "/api/v1/email/bounces", { body: { bounces: [{ email: "bob@example.test" }] } });
    expect(bounce.body).toMatchObject({ recorded: 1 });
    const bounces = await client.bounce.all();
    expect(bounces).toHaveLength(1);
    expect(bounces[0]).toMatchObject({ person_id: people.bob.id, email: "bob@example.test" });
    expect(typeof bounces[0].bounced_at).toBe("number");
  });

  it("reads the autopilot configuration", async () => {
    const conf = await client.autopilotConfiguration.retrieve("email");
    expect(conf).toMatchObject({ platform_id: "email", active: false, frequency: 182 * day });
  });

  it("deletes pending survey requests", async () => {
    expect((await client.person.retrieve(people.ann.id)).next_survey_scheduled_at).toBe(people.ann.survey_scheduled_at);
    expect(await client.surveyRequest.deletePending({ person_email: "ann@example.test" })).toMatchObject({ ok: true });
    expect((await client.person.retrieve(people.ann.id)).next_survey_scheduled_at).toBeNull();
  });

  it("deletes people by id, by email and by phone number, with their answers", async () => {
    expect(await client.person.delete({ id: people.c1.id })).toMatchObject({ ok: true });
    expect(await client.person.delete({ email: "c2@example.test" })).toMatchObject({ ok: true });
    expect(await client.person.delete({ phone_number: "+33612345678" })).toMatchObject({ ok: true });
    const left = await client.surveyResponse.all();
    expect(left.map((r: any) => r.person)).not.toContain(people.c1.id);
    expect(left.map((r: any) => r.person)).not.toContain(people.c2.id);
    const gone = await client.person.retrieve(people.c1.id).then(
      () => null,
      (e: any) => e,
    );
    expect(gone.message).toContain("404");
  });

  it("gives the client's authentication error for a wrong key", async () => {
    const wrong = Delighted("bm_wrongwrongwrongwrongwrongwrongwr", { host: "127.0.0.1", port: worker.port, scheme: "http", base: "" });
    const err = await wrong.person.create({ email: "x@example.test" }).then(
      () => null,
      (e: any) => e,
    );
    expect(err?.type).toBe("AuthenticationError");
    expect(JSON.parse(err.message)).toMatchObject({ status: 401 });
  });

  it("surfaces a bad score as a 422 validation error naming the field", async () => {
    const err = await client.surveyResponse.create({ person: people.ann.id, score: 11 }).then(
      () => null,
      (e: any) => e,
    );
    expect(err?.type).toBe("ResourceValidationError");
    const body = JSON.parse(err.message);
    expect(body.status).toBe(422);
    expect(body.errors.score[0]).toMatch(/0 to 10/);
  });
});
