/**
 * Respondent paths (the trust issue): nobody but the respondent changes an answer, an old
 * invitation never rewrites a closed round, identity comes from what is signed, the channel from
 * the endpoint, and a refused answer leaves no trace.
 */
import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { accounts, contacts, invitations, waves } from "../../worker/db/schema";
import { ADMIN, api, createSurvey, sign, submit } from "../helpers";

const respond = (surveyId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api(`/api/v1/surveys/${surveyId}/responses`, { body, headers });
const patch = (surveyId: string, id: string, body: Record<string, unknown>) =>
  api(`/api/v1/surveys/${surveyId}/responses/${id}`, { method: "PATCH", body });
const stored = (id: string) =>
  env.DB.prepare("SELECT score, comment, contact_id, account_id, channel FROM responses WHERE id = ?").bind(id).first<any>();
const form = (surveyId: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  api(`/s/${surveyId}`, {
    method: "POST",
    raw: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });
const field = (page: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(page)?.[1];

async function invitation(surveyId: string, wave: { closesAt: Date; status?: "open" | "closed" }) {
  const db = drizzle(env.DB);
  const tag = crypto.randomUUID().slice(0, 8);
  const token = crypto.randomUUID().replaceAll("-", "");
  await db.insert(contacts).values({ id: `ctc_${tag}`, email: `${tag}@example.com`, createdAt: new Date(), updatedAt: new Date() });
  await db.insert(waves).values({ id: `wav_${tag}`, surveyId, period: tag, opensAt: new Date(Date.now() - 90 * 864e5), ...wave });
  await db.insert(invitations).values({ id: `inv_${tag}`, waveId: `wav_${tag}`, surveyId, contactId: `ctc_${tag}`, token });
  return { token, contactId: `ctc_${tag}`, waveId: `wav_${tag}` };
}

describe("only the respondent may change an answer", () => {
  it("refuses a PATCH without the edit token, changing nothing", async () => {
    const s = await createSurvey();
    const id = crypto.randomUUID();
    await respond(s.id, { id, score: 8, comment: "Fine" });
    const r = await patch(s.id, id, { score: 0 });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: "edit_not_allowed", field: "editToken" });
    expect(await stored(id)).toMatchObject({ score: 8, comment: "Fine" });
  });

  it("refuses a PATCH with someone else's edit token", async () => {
    const s = await createSurvey();
    const mine = await respond(s.id, { id: crypto.randomUUID(), score: 9 });
    const id = crypto.randomUUID();
    await respond(s.id, { id, score: 8 });
    const r = await patch(s.id, id, { score: 0, editToken: mine.body.editToken });
    expect(r.status).toBe(403);
    expect((await stored(id)).score).toBe(8);
  });

  it("refuses a re-POST of a known id with another score, even on a signed survey", async () => {
    const s = await createSurvey({ requireSignature: true });
    const id = crypto.randomUUID();
    const signature = await sign(s.signingSecret, "user-1");
    expect((await respond(s.id, { id, score: 8, contact: { id: "user-1" }, signature })).status).toBe(201);
    const r = await respond(s.id, { id, score: 0, contact: { id: "user-1" }, signature });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("edit_not_allowed");
    expect((await stored(id)).score).toBe(8);
  });

  it("answers an identical retry with 200 and no edit token", async () => {
    const s = await createSurvey();
    const body = { id: crypto.randomUUID(), score: 6, comment: "Late delivery" };
    const first = await respond(s.id, body);
    const again = await respond(s.id, body);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toMatchObject({ score: 6, comment: "Late delivery" });
    expect(again.body.editToken).toBeUndefined();
  });

  it("lets the creator complete the answer with the token it minted itself", async () => {
    const s = await createSurvey();
    const id = crypto.randomUUID();
    const editToken = "client-minted-token-0123456789";
    const first = await respond(s.id, { id, score: 5, editToken });
    expect(first.body.editToken).toBe(editToken);
    expect((await respond(s.id, { id, score: 5, comment: "Too slow", editToken })).status).toBe(200);
    expect((await patch(s.id, id, { score: 6, editToken })).status).toBe(200);
    expect(await stored(id)).toMatchObject({ score: 6, comment: "Too slow" });
  });

  it("closes the token a week after the answer", async () => {
    const s = await createSurvey();
    const id = crypto.randomUUID();
    const { editToken } = (await respond(s.id, { id, score: 5 })).body;
    await env.DB.prepare("UPDATE responses SET created_at = ? WHERE id = ?")
      .bind(Date.now() - 8 * 864e5, id)
      .run();
    const r = await patch(s.id, id, { comment: "Late", editToken });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe("edit_window_closed");
    expect((await stored(id)).comment).toBeNull();
  });

  it("never returns the edit token in reads", async () => {
    const s = await createSurvey();
    await respond(s.id, { id: crypto.randomUUID(), score: 5 });
    const list = await api(`/api/v1/surveys/${s.id}/responses`, { headers: ADMIN });
    expect(JSON.stringify(list.body)).not.toMatch(/editToken|edit_key/);
  });
});

describe("old invitation links", () => {
  it("show a closed page for a closed round and change nothing", async () => {
    const s = await createSurvey();
    const inv = await invitation(s.id, { closesAt: new Date(Date.now() + 864e5) });
    const page = (await api(`/s/${s.id}?t=${inv.token}&score=7`)).body;
    const id = field(page, "id")!;
    expect((await form(s.id, { id, k: field(page, "k")!, t: inv.token, score: "7", channel: "email" })).status).toBe(200);
    await env.DB.prepare("UPDATE waves SET status = 'closed', closed_at = ? WHERE id = ?").bind(Date.now(), inv.waveId).run();
    const later = await api(`/s/${s.id}?t=${inv.token}&score=2`);
    expect(later.status).toBe(410);
    expect(later.body).toContain("This survey round has closed");
    expect(later.body).not.toContain("<form");
    const post = await form(s.id, { id, t: inv.token, score: "2", channel: "email" });
    expect(post.status).toBe(410);
    expect((await stored(id)).score).toBe(7);
  });

  it("refuse API answers with the token once its round is past its closing time", async () => {
    const s = await createSurvey();
    const inv = await invitation(s.id, { closesAt: new Date(Date.now() - 1000) });
    const r = await submit(s.id, { score: 2, token: inv.token });
    expect(r.status).toBe(410);
    expect(r.body.error).toMatchObject({ code: "wave_closed", field: "token" });
    expect((await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE survey_id = ?").bind(s.id).first<any>()).n).toBe(0);
  });

  it("keep a closed round's answer closed to its own edit token", async () => {
    const s = await createSurvey();
    const inv = await invitation(s.id, { closesAt: new Date(Date.now() + 864e5) });
    const id = crypto.randomUUID();
    const { editToken } = (await submit(s.id, { id, score: 7, token: inv.token })).body;
    await env.DB.prepare("UPDATE waves SET status = 'closed' WHERE id = ?").bind(inv.waveId).run();
    const r = await patch(s.id, id, { score: 2, editToken });
    expect(r.status).toBe(409);
    expect((await stored(id)).score).toBe(7);
  });
});

describe("one answer per invitation", () => {
  const answersOf = (invitationId: string) =>
    env.DB.prepare("SELECT id, score, comment FROM responses WHERE invitation_id = ? ORDER BY created_at").bind(invitationId).all<any>();

  it("two tabs of the same invitation link (opened before either answered) change one answer, not two", async () => {
    const s = await createSurvey();
    const inv = await invitation(s.id, { closesAt: new Date(Date.now() + 864e5) });
    // Both pages were rendered before any answer existed: each carries its own fresh id.
    const first = (await api(`/s/${s.id}?t=${inv.token}&score=3`)).body;
    const second = (await api(`/s/${s.id}?t=${inv.token}&score=9`)).body;
    expect(field(first, "id")).not.toBe(field(second, "id"));
    const sent = (page: string, score: string, comment = "") =>
      form(s.id, { id: field(page, "id")!, k: field(page, "k")!, t: inv.token, score, comment, channel: "email" });
    expect((await sent(first, "3")).status).toBe(200);
    expect((await sent(second, "9", "changed my mind")).status).toBe(200);
    const rows = (await answersOf(`inv_${inv.waveId.slice(4)}`)).results;
    expect(rows.map((r: any) => [r.id, r.score, r.comment])).toEqual([[field(first, "id"), 9, "changed my mind"]]);
    // The link opened again shows that one answer.
    expect(field((await api(`/s/${s.id}?t=${inv.token}`)).body, "id")).toBe(field(first, "id"));
  });

  it("through the API too: a second id with the same token amends the invitation's answer", async () => {
    const s = await createSurvey();
    const inv = await invitation(s.id, { closesAt: new Date(Date.now() + 864e5) });
    const a = await submit(s.id, { score: 10, token: inv.token });
    expect(a.status).toBe(201);
    const b = await submit(s.id, { score: 0, comment: "second thoughts", token: inv.token });
    expect(b.status).toBe(200);
    expect(b.body).toMatchObject({ id: a.body.id, score: 0, comment: "second thoughts" });
    expect(b.body.editToken).toBeUndefined();
    const rows = (await answersOf(`inv_${inv.waveId.slice(4)}`)).results;
    expect(rows.map((r: any) => [r.id, r.score])).toEqual([[a.body.id, 0]]);
  });

  it("racing first answers of one invitation still make one answer", async () => {
    const s = await createSurvey();
    const inv = await invitation(s.id, { closesAt: new Date(Date.now() + 864e5) });
    const results = await Promise.all([2, 4, 6, 8].map((score) => submit(s.id, { score, token: inv.token })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    const rows = (await answersOf(`inv_${inv.waveId.slice(4)}`)).results;
    expect(rows).toHaveLength(1);
    expect(results.every((r) => r.body.id === rows[0].id)).toBe(true);
  });

  it("never lets someone else's response id be taken over with one's own invitation", async () => {
    const s = await createSurvey();
    const inv = await invitation(s.id, { closesAt: new Date(Date.now() + 864e5) });
    const other = await submit(s.id, { score: 9, comment: "theirs" });
    const mine = await submit(s.id, { score: 5, token: inv.token });
    expect(mine.status).toBe(201);
    const grab = await submit(s.id, { id: other.body.id, score: 0, comment: "hijack", token: inv.token });
    expect(grab.status).toBe(403);
    expect(await stored(other.body.id)).toMatchObject({ score: 9, comment: "theirs" });
    expect(await stored(mine.body.id)).toMatchObject({ score: 5 });
  });
});

describe("identity comes from what is signed", () => {
  async function victim() {
    const email = `victim-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const id = `ctc_${crypto.randomUUID().slice(0, 8)}`;
    await drizzle(env.DB).insert(contacts).values({ id, email, createdAt: new Date(), updatedAt: new Date() });
    return { id, email };
  }

  it("does not file a short-signed answer under the contact of an unsigned email", async () => {
    const s = await createSurvey({ requireSignature: true });
    const v = await victim();
    const signature = await sign(s.signingSecret, "attacker-1");
    const r = await submit(s.id, { score: 0, contact: { id: "attacker-1", email: v.email }, signature });
    expect(r.status).toBe(201);
    expect(r.body.contactId).not.toBe(v.id);
    const victimAnswers = await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE contact_id = ?").bind(v.id).first<any>();
    expect(victimAnswers.n).toBe(0);
  });

  it("does not tell a short-signed caller whether an unsigned email has answered", async () => {
    const s = await createSurvey({ requireSignature: true, resurveyDays: 90 });
    const v = await victim();
    const ask = async () => {
      const sig = await sign(s.signingSecret, "attacker-2");
      return (await api(`/api/v1/surveys/${s.id}/widget?uid=attacker-2&email=${encodeURIComponent(v.email)}&sig=${sig}`)).body;
    };
    const before = await ask();
    const full = await sign(s.signingSecret, `\n${v.email}\n`);
    expect((await submit(s.id, { score: 3, contact: { email: v.email }, signature: full })).status).toBe(201);
    const after = await ask();
    expect(after).toMatchObject({ show: before.show, reason: before.reason });
  });

  it("trusts the email when the full claim is signed", async () => {
    const s = await createSurvey({ requireSignature: true });
    const v = await victim();
    const signature = await sign(s.signingSecret, `\n${v.email}\n`);
    const r = await submit(s.id, { score: 9, contact: { email: v.email }, signature });
    expect(r.body.contactId).toBe(v.id);
  });

  it("never lets an unsigned answer choose an account", async () => {
    const s = await createSurvey();
    const ext = `acme-${crypto.randomUUID().slice(0, 8)}`;
    await drizzle(env.DB)
      .insert(accounts)
      .values({ id: `acc_${ext}`, externalId: ext, name: "Acme", startedOn: "2025-01-01", createdAt: new Date(), updatedAt: new Date() });
    const r = await submit(s.id, { score: 0, contact: { id: `u-${ext}`, account: ext } });
    expect(r.status).toBe(201);
    expect((await stored(r.body.id)).account_id).toBeNull();
  });

  it("files a signed answer under the account its full signature names", async () => {
    const s = await createSurvey({ requireSignature: true });
    const ext = `acme-${crypto.randomUUID().slice(0, 8)}`;
    await drizzle(env.DB)
      .insert(accounts)
      .values({ id: `acc_${ext}`, externalId: ext, name: "Acme", startedOn: "2025-01-01", createdAt: new Date(), updatedAt: new Date() });
    const signature = await sign(s.signingSecret, `u-${ext}\n\n${ext}`);
    const r = await submit(s.id, { score: 10, contact: { id: `u-${ext}`, account: ext }, signature });
    expect((await stored(r.body.id)).account_id).toBe(`acc_${ext}`);
  });

  it("drops the account of a short-signed claim", async () => {
    const s = await createSurvey({ requireSignature: true });
    const ext = `acme-${crypto.randomUUID().slice(0, 8)}`;
    await drizzle(env.DB)
      .insert(accounts)
      .values({ id: `acc_${ext}`, externalId: ext, name: "Acme", startedOn: "2025-01-01", createdAt: new Date(), updatedAt: new Date() });
    const signature = await sign(s.signingSecret, `u2-${ext}`);
    const r = await submit(s.id, { score: 0, contact: { id: `u2-${ext}`, account: ext }, signature });
    expect((await stored(r.body.id)).account_id).toBeNull();
  });
});

describe("the channel follows from the endpoint", () => {
  it("ignores a claimed channel on the API: a server call is 'api'", async () => {
    const s = await createSurvey();
    const r = await submit(s.id, { score: 4, channel: "email" });
    expect((await stored(r.body.id)).channel).toBe("api");
  });

  it("ignores a claimed channel on the API: a browser call is 'widget'", async () => {
    const s = await createSurvey();
    const r = await submit(s.id, { score: 4, channel: "email" }, { origin: "https://shop.example.com" });
    expect((await stored(r.body.id)).channel).toBe("widget");
  });
});

describe("a refused answer leaves no trace", () => {
  it("removes the contact it created when the id belongs to another survey", async () => {
    const [a, b] = [await createSurvey(), await createSurvey()];
    const id = crypto.randomUUID();
    await submit(a.id, { id, score: 5 });
    const who = `ghost-${crypto.randomUUID().slice(0, 8)}`;
    const r = await submit(b.id, { id, score: 5, contact: { id: who } });
    expect(r.status).toBe(409);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE external_id = ?").bind(who).first<any>();
    expect(left.n).toBe(0);
  });

  it("removes the contact it created when the change is not allowed", async () => {
    const s = await createSurvey();
    const id = crypto.randomUUID();
    await submit(s.id, { id, score: 5 });
    const who = `ghost-${crypto.randomUUID().slice(0, 8)}`;
    expect((await submit(s.id, { id, score: 1, contact: { id: who } })).status).toBe(403);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE external_id = ?").bind(who).first<any>();
    expect(left.n).toBe(0);
  });
});

describe("the link page belongs to the survey's own origin", () => {
  it("saves the form posted with Origin: null on a survey with allowed origins", async () => {
    const s = await createSurvey({ allowedOrigins: ["https://shop.example.com"] });
    const page = (await api(`/s/${s.id}?score=9`)).body;
    const r = await form(s.id, { id: field(page, "id")!, k: field(page, "k")!, score: "9", comment: "Great", channel: "email" }, { origin: "null" });
    expect(r.status).toBe(200);
    expect(await stored(field(page, "id")!)).toMatchObject({ score: 9, comment: "Great", channel: "email" });
  });

  it("saves the form posted from its own origin", async () => {
    const s = await createSurvey({ allowedOrigins: ["https://shop.example.com"] });
    const page = (await api(`/s/${s.id}`)).body;
    const r = await form(s.id, { id: field(page, "id")!, k: field(page, "k")!, score: "8" }, { origin: "http://localhost" });
    expect(r.status).toBe(200);
  });

  it("refuses a form posted from another site", async () => {
    const s = await createSurvey();
    const r = await form(s.id, { id: crypto.randomUUID(), score: "0" }, { origin: "https://evil.example" });
    expect(r.status).toBe(403);
    expect((await env.DB.prepare("SELECT count(*) AS n FROM responses WHERE survey_id = ?").bind(s.id).first<any>()).n).toBe(0);
  });

  it("sends our Origin with its forms (Referrer-Policy same-origin, not no-referrer)", async () => {
    const s = await createSurvey();
    expect((await api(`/s/${s.id}`)).headers.get("referrer-policy")).toBe("same-origin");
  });
});

describe("Back on the link page", () => {
  it("re-renders the same answer for the same browser", async () => {
    const s = await createSurvey();
    const first = await api(`/s/${s.id}?score=3`);
    const cookie = first.headers.get("set-cookie")!.split(";")[0]!;
    expect(cookie).toMatch(/^bm_answer=/);
    const back = await api(`/s/${s.id}?score=3`, { headers: { cookie } });
    expect(field(back.body, "id")).toBe(field(first.body, "id"));
    expect(field(back.body, "k")).toBe(field(first.body, "k"));
  });

  it("updates one response when the same page is sent twice", async () => {
    const s = await createSurvey();
    const page = (await api(`/s/${s.id}?score=3`)).body;
    const fields = { id: field(page, "id")!, k: field(page, "k")!, channel: "email" };
    await form(s.id, { ...fields, score: "3", comment: "Slow" });
    await form(s.id, { ...fields, score: "4", comment: "Slow, but improving" });
    const rows = await env.DB.prepare("SELECT score, comment FROM responses WHERE survey_id = ?").bind(s.id).all();
    expect(rows.results).toEqual([{ score: 4, comment: "Slow, but improving" }]);
  });

  it("shows the answer already given when the page comes back", async () => {
    const s = await createSurvey();
    const first = await api(`/s/${s.id}?score=3`);
    const cookie = first.headers.get("set-cookie")!.split(";")[0]!;
    await form(s.id, { id: field(first.body, "id")!, k: field(first.body, "k")!, score: "3", comment: "Slow" });
    const back = await api(`/s/${s.id}`, { headers: { cookie } });
    expect(back.body).toContain(">Slow</textarea>");
    expect(back.body).toMatch(/value="3"[^>]*checked/);
  });
});
