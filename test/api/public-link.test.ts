/** The link page /s/:id (server-rendered, no JS needed), score links and the email snippet. */
import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { contacts, invitations, waves } from "../../worker/db/schema";
import { ADMIN, api, createSurvey } from "../helpers";

const form = (surveyId: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  api(`/s/${surveyId}`, {
    method: "POST",
    raw: new URLSearchParams(fields).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
  });
const listResponses = async (surveyId: string) => (await api(`/api/v1/surveys/${surveyId}/responses`, { headers: ADMIN })).body.data as any[];
const hiddenId = (page: string) => /name="id" value="([0-9a-f-]{36})"/.exec(page)![1]!;
const hiddenKey = (page: string) => /name="k" value="([A-Za-z0-9_-]+)"/.exec(page)![1]!;

async function invite(surveyId: string) {
  const db = drizzle(env.DB);
  const contactId = `ctc_${crypto.randomUUID().slice(0, 8)}`;
  const waveId = `wav_${crypto.randomUUID().slice(0, 8)}`;
  const token = crypto.randomUUID().replaceAll("-", "");
  await db.insert(contacts).values({ id: contactId, email: `${contactId}@example.com`, createdAt: new Date(), updatedAt: new Date() });
  await db.insert(waves).values({ id: waveId, surveyId, period: waveId, opensAt: new Date(), closesAt: new Date(Date.now() + 864e5) });
  await db.insert(invitations).values({ id: `inv_${waveId}`, waveId, surveyId, contactId, token });
  return { token, contactId, waveId };
}

describe("GET /s/:surveyId", () => {
  it("renders an accessible form that works without JavaScript, in the right language", async () => {
    const s = await createSurvey({ defaultLocale: "en" });
    const r = await api(`/s/${s.id}`, { headers: { "accept-language": "fr-FR,fr;q=0.9" } });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/text\/html/);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.headers.get("content-security-policy")).toContain("script-src 'self'");
    const page = r.body as string;
    expect(page).toContain('<html lang="fr">');
    expect(page).toContain(`<form method="post" action="/s/${s.id}"`);
    expect(page.match(/type="radio" name="score"/g)).toHaveLength(11);
    expect(page).toContain("<legend>");
    expect(page).toContain('aria-label="0, Pas du tout probable"');
    expect(page).not.toMatch(/ checked>/);
    expect(page).toContain('name="channel" value="link"');
    expect(await listResponses(s.id)).toHaveLength(0);
  });

  it("preselects the score of a score link but records nothing when fetched", async () => {
    const s = await createSurvey({ kind: "nps" });
    const r = await api(`/s/${s.id}?score=7`);
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/id="s7" value="7" checked/);
    expect(r.body).toContain('data-send="1"');
    expect(r.body).toContain('name="channel" value="email"');
    expect(r.body).toContain("What would make us a 10 for you?"); // worded for a passive
    expect(await listResponses(s.id)).toHaveLength(0);
    // Out-of-range or garbage scores are ignored, not fatal.
    for (const bad of ["11", "-1", "x", "7.5", "99999999999"]) {
      const p = await api(`/s/${s.id}?score=${bad}`);
      expect(p.status).toBe(200);
      expect(p.body).not.toMatch(/ checked>/);
    }
  });

  it("escapes every survey text it renders", async () => {
    const evil = `<img src=x onerror="alert(1)">&"'`;
    const s = await createSurvey({ texts: { en: { question: evil, lowLabel: evil, highLabel: "</style><script>x()</script>" } } });
    const page = (await api(`/s/${s.id}?lang=en`)).body as string;
    expect(page).not.toContain("<img src=x");
    expect(page).not.toContain("<script>x()");
    expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&quot;");
  });

  it("answers 404 for an unknown survey or token, 410 for an archived survey", async () => {
    expect((await api("/s/srv_missing")).status).toBe(404);
    const s = await createSurvey();
    expect((await api(`/s/${s.id}?t=unknowntoken0000000`)).status).toBe(404);
    expect((await api(`/s/${s.id}?t=BAD!`)).status).toBe(404);
    await api(`/api/v1/surveys/${s.id}/archive`, { method: "POST", headers: ADMIN });
    const gone = await api(`/s/${s.id}`);
    expect(gone.status).toBe(410);
    expect(gone.body).toContain("closed");
  });
});

describe("POST /s/:surveyId", () => {
  it("records score and comment from a plain form post and thanks the person", async () => {
    const s = await createSurvey();
    const page = (await api(`/s/${s.id}`)).body;
    const [id, k] = [hiddenId(page), hiddenKey(page)];
    const r = await form(s.id, { id, k, score: "3", comment: "Too slow", lang: "en", channel: "link" });
    expect(r.status).toBe(200);
    expect(r.body).toContain("Thank you for your feedback!");
    const again = await form(s.id, { id, k, score: "4", comment: "Too slow, really", lang: "en", channel: "link" });
    expect(again.status).toBe(200);
    const rows = await listResponses(s.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id, score: 4, comment: "Too slow, really", channel: "link", locale: "en" });
  });

  it("re-renders the form with a message when no score was chosen, keeping the comment", async () => {
    const s = await createSurvey();
    const id = crypto.randomUUID();
    const r = await form(s.id, { id, comment: "hello <b>", lang: "en" });
    expect(r.status).toBe(400);
    expect(r.body).toContain('role="alert"');
    expect(r.body).toContain("hello &lt;b&gt;</textarea>");
    expect(r.body).toContain(`value="${id}"`);
    expect((await form(s.id, { id, score: "12" })).status).toBe(400);
    expect((await form(s.id, { id: "nope", score: "5" })).status).toBe(400);
    expect(await listResponses(s.id)).toHaveLength(0);
  });

  it("takes only a score as the form sends it: an empty or odd score is no score, never a 0, and never rewrites the one given", async () => {
    const s = await createSurvey();
    const page = (await api(`/s/${s.id}`)).body;
    const [id, k] = [hiddenId(page), hiddenKey(page)];
    for (const score of ["", " ", "0x5", "1e1", "5.0", "+7", " 7", "07 "]) {
      const r = await form(s.id, { id, k, score, comment: "typed", lang: "en" });
      expect(r.status, JSON.stringify(score)).toBe(400);
      expect(r.body).toContain('role="alert"');
    }
    expect(await listResponses(s.id)).toHaveLength(0);
    expect((await form(s.id, { id, k, score: "9", comment: "great", lang: "en" })).status).toBe(200);
    // A later post of the comment with an emptied score field keeps the 9.
    expect((await form(s.id, { id, k, score: "", comment: "great, really", lang: "en" })).status).toBe(400);
    expect((await listResponses(s.id)).map((r) => [r.score, r.comment])).toEqual([[9, "great"]]);
  });

  it("keeps a comment pasted with control characters (Word's line break is a vertical tab) instead of refusing it as if no score were chosen", async () => {
    const s = await createSurvey();
    const page = (await api(`/s/${s.id}`)).body;
    const [id, k] = [hiddenId(page), hiddenKey(page)];
    const r = await form(s.id, { id, k, score: "6", comment: "first line\u000bsecond line\u0007", lang: "en" });
    expect(r.status).toBe(200);
    expect((await listResponses(s.id)).map((x) => [x.score, x.comment])).toEqual([[6, "first line second line"]]);
  });

  it("links an invitation's answer to its contact and wave, and a second visit updates it", async () => {
    const s = await createSurvey();
    const inv = await invite(s.id);
    const first = await api(`/s/${s.id}?score=9&t=${inv.token}`);
    expect(first.status).toBe(200);
    const id = hiddenId(first.body);
    expect((await form(s.id, { id, score: "9", t: inv.token, channel: "email" })).status).toBe(200);
    const second = await api(`/s/${s.id}?t=${inv.token}`);
    expect(hiddenId(second.body)).toBe(id);
    expect(second.body).toMatch(/id="s9" value="9" checked/);
    const rows = await listResponses(s.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ score: 9, channel: "email", waveId: inv.waveId });
    expect(rows[0].contactId).toBe(inv.contactId);
    expect((await form(s.id, { id: crypto.randomUUID(), score: "9", t: "wrongtoken000000000" })).status).toBe(404);
  });

  it("refuses posts from other sites' pages and oversized forms", async () => {
    const s = await createSurvey({ allowedOrigins: ["https://app.example.com"] });
    const fields = { id: crypto.randomUUID(), score: "5" };
    expect((await form(s.id, fields, { origin: "https://evil.example" })).status).toBe(403);
    expect((await form(s.id, fields, { origin: "http://localhost" })).status).toBe(200);
    expect((await form(s.id, { ...fields, comment: "x".repeat(20_000) })).status).toBe(413);
  });
});

describe("GET /api/v1/surveys/:id/email-snippet", () => {
  it("gives admins eleven score links with the mailing tool's merge tag, escaped", async () => {
    const s = await createSurvey({ texts: { fr: { question: "Recommanderiez-vous <Acme> ?" } } });
    const r = await api(`/api/v1/surveys/${s.id}/email-snippet?locale=fr&tokenTag=${encodeURIComponent("{{token}}")}`, { headers: ADMIN });
    expect(r.status).toBe(200);
    expect(r.body.locale).toBe("fr");
    expect(r.body.links).toHaveLength(11);
    expect(r.body.links[7]).toEqual({ score: 7, url: `http://localhost/s/${s.id}?score=7&t={{token}}` });
    const html = r.body.html as string;
    expect(html.match(/<a href=/g)).toHaveLength(11);
    expect(html).toContain(`href="http://localhost/s/${s.id}?score=0&amp;t={{token}}"`);
    expect(html).toContain("Recommanderiez-vous &lt;Acme&gt; ?");
    expect(html).toContain("Pas du tout probable");
    const csat = await createSurvey({ kind: "csat" });
    const c = await api(`/api/v1/surveys/${csat.id}/email-snippet`, { headers: ADMIN });
    expect(c.body.links.map((l: any) => l.score)).toEqual([1, 2, 3, 4, 5]);
    expect(c.body.links[0].url).not.toContain("&t=");
  });

  it("is for admins only and validates its query", async () => {
    const s = await createSurvey();
    expect((await api(`/api/v1/surveys/${s.id}/email-snippet`)).status).toBe(401);
    const bad = await api(`/api/v1/surveys/${s.id}/email-snippet?tokenTag=${encodeURIComponent('"><script>')}`, { headers: ADMIN });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe("tokenTag");
    expect((await api(`/api/v1/surveys/${s.id}/email-snippet?locale=french!`, { headers: ADMIN })).body.error.field).toBe("locale");
    expect((await api(`/api/v1/surveys/srv_none/email-snippet`, { headers: ADMIN })).status).toBe(404);
  });
});
