import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN, api, createSurvey, submit } from "../helpers";
import { bulkAccounts, bulkContacts, uniq } from "./accounts.fixtures";

describe("contacts bulk upsert", () => {
  it("creates, updates, keeps omitted fields, clears nulls, adopts widget-made contacts, reports clashes", async () => {
    const t = uniq("ct");
    await bulkAccounts([
      { externalId: `${t}-A`, name: "A", startedOn: "2025-01-01" },
      { externalId: `${t}-B`, name: "B", startedOn: "2025-01-01" },
    ]);
    // The widget met this person by email before any import.
    const s = await createSurvey();
    const w = await submit(s.id, { score: 9, contact: { email: `${t}-widget@x.test` } });
    expect(w.status).toBe(201);
    const widgetContact = w.body.contactId;

    const first = await bulkContacts([
      { externalId: `${t}-1`, email: `${t}-1@X.test`, name: "Ann", locale: "fr", accountExternalId: `${t}-A` },
      { externalId: `${t}-2`, email: `${t}-widget@x.test`, name: "Wid", accountExternalId: `${t}-A` },
      { externalId: `${t}-3`, email: `${t}-1@x.test` },
      { externalId: `${t}-4`, accountExternalId: `${t}-nope` },
      { externalId: `${t}-5`, email: "not an email" },
      { externalId: `${t}-1`, name: "Again" },
    ]);
    expect(first.results.map((r: any) => r.status)).toEqual(["created", "updated", "error", "error", "error", "error"]);
    // The widget's contact got the external id, not a twin.
    expect(first.results[1].id).toBe(widgetContact);
    expect(first.results[2].error).toMatchObject({ code: "duplicate_email", field: "email" });
    expect(first.results[3].error).toMatchObject({ code: "unknown_account", field: "accountExternalId" });
    expect(first.results[4].error).toMatchObject({ code: "invalid_field", field: "email" });
    expect(first.results[5].error).toMatchObject({ code: "duplicate_external_id" });

    const second = await bulkContacts([
      { externalId: `${t}-1`, accountExternalId: `${t}-B`, locale: null },
      { externalId: `${t}-2`, email: `${t}-1@x.test` },
      { externalId: `${t}-2` },
    ]);
    expect(second.results.map((r: any) => r.status)).toEqual(["updated", "error", "error"]);
    expect(second.results[1].error.code).toBe("email_taken");
    const ann = await api(`/api/v1/contacts/${first.results[0].id}`, { headers: ADMIN });
    expect(ann.body).toMatchObject({ externalId: `${t}-1`, email: `${t}-1@x.test`, name: "Ann", locale: null });
    const b = await env.DB.prepare("SELECT external_id FROM accounts WHERE id = ?").bind(ann.body.accountId).first();
    expect(b).toEqual({ external_id: `${t}-B` });
    const third = await bulkContacts([{ externalId: `${t}-1`, name: "Ann" }]);
    expect(third.results[0].status).toBe("unchanged");
    const n = await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE external_id LIKE ? OR email LIKE ?")
      .bind(`${t}-%`, `${t}-%`)
      .first<{ n: number }>();
    expect(n!.n).toBe(2);
  });

  it("PATCH: unsubscribe and back, clashes on email, unknown account", async () => {
    const t = uniq("cp");
    await bulkAccounts([{ externalId: `${t}-A`, name: "A", startedOn: "2025-01-01" }]);
    const made = await bulkContacts([
      { externalId: `${t}-1`, email: `${t}-1@x.test` },
      { externalId: `${t}-2`, email: `${t}-2@x.test` },
    ]);
    const [c1] = made.results.map((r: any) => r.id);
    const hook = await api("/api/v1/webhooks", { headers: ADMIN, body: { url: "http://127.0.0.1:9/hook", events: ["contact.unsubscribed"] } });
    const off = await api(`/api/v1/contacts/${c1}`, { method: "PATCH", headers: ADMIN, body: { unsubscribed: true, name: "One" } });
    expect(off.body.unsubscribedAt).not.toBeNull();
    await api(`/api/v1/contacts/${c1}`, { method: "PATCH", headers: ADMIN, body: { unsubscribed: true } });
    const events = await env.DB.prepare("SELECT event FROM webhook_deliveries WHERE webhook_id = ?").bind(hook.body.id).all();
    expect(events.results).toEqual([{ event: "contact.unsubscribed" }]);
    expect(off.body.name).toBe("One");
    const on = await api(`/api/v1/contacts/${c1}`, { method: "PATCH", headers: ADMIN, body: { unsubscribed: false } });
    expect(on.body.unsubscribedAt).toBeNull();
    const clash = await api(`/api/v1/contacts/${c1}`, { method: "PATCH", headers: ADMIN, body: { email: `${t}-2@X.test` } });
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ code: "email_taken", field: "email" });
    const ghost = await api(`/api/v1/contacts/${c1}`, { method: "PATCH", headers: ADMIN, body: { accountId: "acc_nope" } });
    expect(ghost.body.error).toMatchObject({ code: "unknown_account", field: "accountId" });
  });

  it("lists with filters and a cursor", async () => {
    const t = uniq("cl");
    const acc = await bulkAccounts([{ externalId: `${t}-A`, name: "A", startedOn: "2025-01-01" }]);
    await bulkContacts(Array.from({ length: 5 }, (_, i) => ({ externalId: `${t}-${i}`, email: `${t}-${i}@x.test`, accountExternalId: `${t}-A` })));
    const seen: string[] = [];
    let next: string | null = null;
    do {
      const page: any = await api(`/api/v1/contacts?accountId=${acc.results[0].id}&limit=2${next ? `&before=${next}` : ""}`, { headers: ADMIN });
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((c: any) => c.externalId));
      next = page.body.next;
    } while (next);
    expect(seen.sort()).toEqual([0, 1, 2, 3, 4].map((i) => `${t}-${i}`));
    const q = await api(`/api/v1/contacts?q=${t}-3`, { headers: ADMIN });
    expect(q.body.data.map((c: any) => c.externalId)).toEqual([`${t}-3`]);
  });
});

describe("import progress", () => {
  it("can be polled while the file is still uploading", async () => {
    const t = uniq("prog");
    const enc = new TextEncoder();
    let push!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (push = c) });
    push.enqueue(enc.encode("external_id,name,started_on\n"));
    for (let i = 0; i < 600; i++) push.enqueue(enc.encode(`${t}-${i},Company ${i},2025-01-01\n`));
    const upload = SELF.fetch("http://localhost/api/v1/imports/accounts", {
      method: "POST",
      headers: { ...ADMIN, "content-type": "text/csv" },
      body,
      duplex: "half",
    } as RequestInit);
    let running: any;
    for (let tries = 0; tries < 100 && !running; tries++) {
      const list = await api("/api/v1/imports", { headers: ADMIN });
      running = list.body.data.find((j: any) => j.status === "running" && j.processedRows >= 500);
      if (!running) await new Promise((r) => setTimeout(r, 20));
    }
    expect(running).toMatchObject({ kind: "accounts", status: "running", okRows: 500, finishedAt: null });
    const polled = await api(`/api/v1/imports/${running.id}`, { headers: ADMIN });
    expect(polled.body.status).toBe("running");
    push.enqueue(enc.encode(`${t}-600,Last,2025-01-01\n`));
    push.close();
    const done = await (await upload).json<any>();
    expect(done).toMatchObject({ id: running.id, status: "done", processedRows: 601, okRows: 601, errorRows: 0 });
  });
});
