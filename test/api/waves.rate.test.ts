import { createExecutionContext, createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import worker from "../../worker/index";
import { waveResponseRate } from "../../worker/metrics/responseRate";
import { ADMIN, api, createSurvey } from "../helpers";
import { bulkAccounts, bulkContacts, callers, pastResponse, uniq } from "./accounts.fixtures";

/** Runs the exported cron handler as Cloudflare would, at `iso`. */
async function cronAt(iso: string) {
  const ctrl = createScheduledController({ scheduledTime: new Date(iso), cron: "17 * * * *" });
  await worker.scheduled(ctrl, env);
}

const wavesOf = async (surveyId: string) => (await api(`/api/v1/waves?surveyId=${surveyId}`, { headers: ADMIN })).body.data;

describe("response rate", () => {
  it("pure function: hand-computed with bounces, failures and answers to unsent invitations", () => {
    // 2 sent + answered, 1 sent silent, 1 bounced (answered elsewhere: still excluded),
    // 1 pending but answered through its link (so it arrived), 1 failed silent.
    const r = waveResponseRate([
      { status: "sent", responded: true, n: 2 },
      { status: "sent", responded: false, n: 1 },
      { status: "bounced", responded: true, n: 1 },
      { status: "pending", responded: true, n: 1 },
      { status: "failed", responded: false, n: 1 },
    ]);
    expect(r).toEqual({ invited: 6, delivered: 4, bounced: 1, responded: 3, responseRate: 0.75 });
    expect(waveResponseRate([])).toEqual({ invited: 0, delivered: 0, bounced: 0, responded: 0, responseRate: null });
    expect(waveResponseRate([{ status: "bounced", responded: false, n: 4 }]).responseRate).toBeNull();
  });

  it("per wave from real rows: bounces via the webhook, CSV export, mark-sent, manager scope", async () => {
    const who = await callers();
    const t = uniq("rr");
    await bulkAccounts([
      { externalId: `${t}-A`, name: "A", startedOn: "2024-01-01", managerUserId: who.managerA.userId },
      { externalId: `${t}-B`, name: "B", startedOn: "2024-01-01", managerUserId: who.managerB.userId },
    ]);
    await bulkContacts([
      { externalId: `${t}-1`, email: `${t}-1@x.test`, name: "=cmd()", locale: "fr", accountExternalId: `${t}-A` },
      { externalId: `${t}-2`, email: `${t}-2@x.test`, name: 'Bea, "B"', accountExternalId: `${t}-A` },
      { externalId: `${t}-3`, email: `${t}-3@x.test`, accountExternalId: `${t}-A` },
      { externalId: `${t}-4`, email: `${t}-4@x.test`, accountExternalId: `${t}-B` },
    ]);
    const s = await createSurvey({ cadence: { enabled: true, months: [4], day: 1, windowDays: 30 } });
    await cronAt("2026-04-01T00:17:00Z");
    const [wave] = await wavesOf(s.id);
    expect(wave).toMatchObject({ invited: 4, delivered: 0, responded: 0, responseRate: null });

    const csv = await api(`/api/v1/waves/${wave.id}/invitations.csv`, { headers: ADMIN });
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (csv.body as string).trim().split("\r\n");
    expect(lines[0]).toBe("email,name,locale,account,link,unsubscribe_link,status");
    expect(lines).toHaveLength(5);
    const line1 = lines.find((l) => l.startsWith(`${t}-1@`))!;
    // Formula-looking names are defused; links carry the personal token.
    expect(line1).toMatch(
      new RegExp(`^${t}-1@x\\.test,'=cmd\\(\\),fr,A,http://localhost/s/${s.id}\\?t=([0-9a-z]{32}),http://localhost/u/\\1,pending$`),
    );
    expect(lines.find((l) => l.startsWith(`${t}-2@`))).toContain(`"Bea, ""B"""`);
    expect((await api(`/api/v1/waves/${wave.id}/invitations.csv`, { headers: who.managerA.headers })).status).toBe(403);

    const marked = await api(`/api/v1/waves/${wave.id}/mark-sent`, { method: "POST", headers: ADMIN });
    expect(marked.body.marked).toBe(4);

    // Bounces: by invitation id and by email, through the shared-secret webhook.
    const inv = await env.DB.prepare(
      "SELECT i.id, c.external_id AS ext, c.id AS contact FROM invitations i JOIN contacts c ON c.id = i.contact_id WHERE i.wave_id = ?",
    )
      .bind(wave.id)
      .all<{ id: string; ext: string; contact: string }>();
    const byExt = Object.fromEntries(inv.results.map((r) => [r.ext.split("-").at(-1), r]));
    const withSecret = { ...env, EMAIL_WEBHOOK_SECRET: "bounce-secret-0123456789" };
    const bounce = (body: unknown, secret = "bounce-secret-0123456789") =>
      app.fetch(
        new Request("http://localhost/api/v1/email/bounces", {
          method: "POST",
          headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        withSecret,
        createExecutionContext(),
      );
    expect((await bounce({ bounces: [{ invitationId: byExt["3"]!.id }] }, "wrong-secret-0123456789")).status).toBe(401);
    expect((await api("/api/v1/email/bounces", { body: { bounces: [{ email: "a@b.c" }] } })).status).toBe(404);
    const ok = await bounce({
      bounces: [{ invitationId: byExt["3"]!.id, reason: "550 no such user" }, { email: `${t}-4@X.test` }, { invitationId: "inv_nope" }],
    });
    expect(await ok.json()).toEqual({ recorded: 2, unknown: 1 });

    // Contact 1 answers through the wave; contact 2 stays silent.
    await pastResponse(s.id, byExt["1"]!.contact, 9, "2026-04-03", { waveId: wave.id, invitationId: byExt["1"]!.id });
    const [after] = await wavesOf(s.id);
    // invited 4, bounced 2 (3 and 4), delivered 2 (1 and 2), responded 1 → 50 %.
    expect(after).toMatchObject({ invited: 4, bounced: 2, delivered: 2, responded: 1, responseRate: 0.5 });
    // Manager A counts their three contacts only: 1 bounced, 2 delivered, 1 answered.
    const [mine] = (await api(`/api/v1/waves?surveyId=${s.id}`, { headers: who.managerA.headers })).body.data;
    expect(mine).toMatchObject({ invited: 3, bounced: 1, delivered: 2, responded: 1, responseRate: 0.5 });
    const csvAfter = await api(`/api/v1/waves/${wave.id}/invitations.csv`, { headers: ADMIN });
    expect((csvAfter.body as string).trim().split("\r\n")).toHaveLength(3);
  });

  it("follows the segment and manager filters (the overview's response-rate card)", async () => {
    const who = await callers();
    const t = uniq("rs");
    await bulkAccounts([
      { externalId: `${t}-E`, name: "E", startedOn: "2024-01-01", segment: `${t}-ent`, managerUserId: who.managerA.userId },
      { externalId: `${t}-S`, name: "S", startedOn: "2024-01-01", segment: `${t}-smb`, managerUserId: who.managerB.userId },
    ]);
    await bulkContacts([
      { externalId: `${t}-1`, email: `${t}-1@x.test`, accountExternalId: `${t}-E` },
      { externalId: `${t}-2`, email: `${t}-2@x.test`, accountExternalId: `${t}-E` },
      { externalId: `${t}-3`, email: `${t}-3@x.test`, accountExternalId: `${t}-S` },
    ]);
    const s = await createSurvey({ cadence: { enabled: true, months: [5], day: 1, windowDays: 30 } });
    await cronAt("2026-05-01T00:17:00Z");
    const [wave] = await wavesOf(s.id);
    await api(`/api/v1/waves/${wave.id}/mark-sent`, { method: "POST", headers: ADMIN });
    const contact = await env.DB.prepare("SELECT c.id FROM contacts c WHERE c.external_id = ?").bind(`${t}-3`).first<{ id: string }>();
    await pastResponse(s.id, contact!.id, 9, "2026-05-03", { waveId: wave.id });
    const rate = async (q: string, headers = ADMIN) => (await api(`/api/v1/waves?surveyId=${s.id}&${q}`, { headers })).body.data?.[0];
    // (Contacts of other tests in this file are invited too: the unfiltered count is at least ours.)
    expect((await rate("")).invited).toBeGreaterThanOrEqual(3);
    expect(await rate(`segment=${t}-smb`)).toMatchObject({ invited: 1, delivered: 1, responded: 1, responseRate: 1 });
    expect(await rate(`segment=${t}-ent`)).toMatchObject({ invited: 2, delivered: 2, responded: 0, responseRate: 0 });
    expect(await rate(`segment=${t}-SMB`)).toMatchObject({ invited: 0, responseRate: null });
    expect(await rate(`manager=${who.managerA.userId}`)).toMatchObject({ invited: 2 });
    // A manager naming another manager is refused, as on every other figure.
    expect((await api(`/api/v1/waves?surveyId=${s.id}&manager=${who.managerB.userId}`, { headers: who.managerA.headers })).status).toBe(403);
  });
});
