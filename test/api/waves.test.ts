import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { ADMIN, api, createSurvey } from "../helpers";
import { bulkAccounts, bulkContacts, pastResponse, uniq } from "./accounts.fixtures";

/** Runs the exported cron handler as Cloudflare would, at `iso`. */
async function cronAt(iso: string) {
  const ctrl = createScheduledController({ scheduledTime: new Date(iso), cron: "17 * * * *" });
  await worker.scheduled(ctrl, env);
}

/** This test's invitations (other tests' contacts share the file's database). */
async function invitationsOf(surveyId: string, t: string) {
  const rows = await env.DB.prepare(
    `SELECT c.external_id AS contact, w.period FROM invitations i JOIN contacts c ON c.id = i.contact_id JOIN waves w ON w.id = i.wave_id
     WHERE i.survey_id = ? AND c.external_id LIKE ? ORDER BY w.period, c.external_id`,
  )
    .bind(surveyId, `${t}-%`)
    .all<{ contact: string; period: string }>();
  return rows.results.map((r) => `${r.period} ${r.contact.split("-").at(-1)}`);
}

const wavesOf = async (surveyId: string) => (await api(`/api/v1/waves?surveyId=${surveyId}`, { headers: ADMIN })).body.data;

async function world() {
  const t = uniq("w");
  await bulkAccounts([
    { externalId: `${t}-A`, name: "Active", startedOn: "2024-01-01" },
    { externalId: `${t}-C`, name: "Churned", startedOn: "2024-01-01", churnedOn: "2025-12-01" },
    { externalId: `${t}-F`, name: "Future", startedOn: "2026-06-01" },
  ]);
  const people = await bulkContacts([
    { externalId: `${t}-a1`, email: `${t}-a1@x.test`, accountExternalId: `${t}-A` },
    { externalId: `${t}-a2`, email: `${t}-a2@x.test`, accountExternalId: `${t}-A` },
    { externalId: `${t}-a3`, accountExternalId: `${t}-A` },
    { externalId: `${t}-a4`, email: `${t}-a4@x.test`, accountExternalId: `${t}-A` },
    { externalId: `${t}-a5`, email: `${t}-a5@x.test`, accountExternalId: `${t}-A` },
    { externalId: `${t}-c1`, email: `${t}-c1@x.test`, accountExternalId: `${t}-C` },
    { externalId: `${t}-f1`, email: `${t}-f1@x.test`, accountExternalId: `${t}-F` },
    { externalId: `${t}-n1`, email: `${t}-n1@x.test` },
  ]);
  const id = Object.fromEntries(people.results.map((r: any) => [r.externalId.split("-").at(-1), r.id]));
  const un = await api(`/api/v1/contacts/${id.a2}`, { method: "PATCH", headers: ADMIN, body: { unsubscribed: true } });
  expect(un.status).toBe(200);
  return { t, id };
}

describe("waves cron", () => {
  it("opens the wave once, invites each eligible contact exactly once across repeated and late runs, then closes it", async () => {
    const { t, id } = await world();
    const s = await createSurvey({ cadence: { enabled: true, months: [1, 7], day: 15, windowDays: 21 } });
    const other = await createSurvey();
    // a4 answered this survey 45 days before the wave: throttled. a5 answered long ago: due again.
    await pastResponse(s.id, id.a4, 9, "2025-12-01");
    await pastResponse(s.id, id.a5, 3, "2025-06-01");
    // An answer to another survey does not throttle this one.
    await pastResponse(other.id, id.a1, 8, "2026-01-10");

    await cronAt("2026-01-14T23:17:00Z");
    expect(await wavesOf(s.id)).toEqual([]);

    // Five days late: the wave still opens, dated by its cadence, not by the run.
    await cronAt("2026-01-20T10:17:00Z");
    await cronAt("2026-01-20T10:17:00Z");
    let list = await wavesOf(s.id);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ period: "2026-01", status: "open", opensAt: "2026-01-15T00:00:00.000Z", closesAt: "2026-02-05T00:00:00.000Z" });
    // Not a2 (unsubscribed), a3 (no email), a4 (throttled), c1 (churned account), f1 (not started), n1 (no account).
    expect(await invitationsOf(s.id, t)).toEqual(["2026-01 a1", "2026-01 a5"]);

    // A contact added mid-wave is invited by the next run; the others are not invited twice.
    const late = await bulkContacts([{ externalId: `${t}-a6`, email: `${t}-a6@x.test`, accountExternalId: `${t}-A` }]);
    await cronAt("2026-01-25T10:17:00Z");
    expect(await invitationsOf(s.id, t)).toEqual(["2026-01 a1", "2026-01 a5", "2026-01 a6"]);
    const tokens = await env.DB.prepare("SELECT token FROM invitations WHERE survey_id = ?").bind(s.id).all<{ token: string }>();
    expect(new Set(tokens.results.map((r) => r.token)).size).toBe(tokens.results.length);
    expect(tokens.results.every((r) => /^[0-9a-z]{32}$/.test(r.token))).toBe(true);

    // The window ends: the wave closes, and a contact added afterwards is not invited to it.
    await bulkContacts([{ externalId: `${t}-a7`, email: `${t}-a7@x.test`, accountExternalId: `${t}-A` }]);
    await cronAt("2026-02-05T00:17:00Z");
    list = await wavesOf(s.id);
    expect(list[0]).toMatchObject({ status: "closed", closedAt: "2026-02-05T00:17:00.000Z" });
    expect(await invitationsOf(s.id, t)).toHaveLength(3);
    await cronAt("2026-02-06T00:17:00Z");
    expect(await wavesOf(s.id)).toHaveLength(1);

    // July: 15 January → 15 July is 181 days, yet the 182-day interval does not skip January's
    // invitees (docs/WAVES.md, grace); a4's December answer is now old enough; f1's account has started.
    await cronAt("2026-07-15T00:17:00Z");
    expect(await invitationsOf(s.id, t)).toEqual([
      "2026-01 a1",
      "2026-01 a5",
      "2026-01 a6",
      "2026-07 a1",
      "2026-07 a4",
      "2026-07 a5",
      "2026-07 a6",
      "2026-07 a7",
      "2026-07 f1",
    ]);
    expect(late.created).toBe(1);
  });

  it("throttles contacts invited by a recent wave of the same survey, and never opens a wave whose window is over", async () => {
    const { t, id } = await world();
    const s = await createSurvey({ resurveyDays: 90, cadence: { enabled: true, months: [1, 2, 6], day: 1, windowDays: 10 } });
    await cronAt("2026-01-02T00:17:00Z");
    expect((await invitationsOf(s.id, t)).filter((x) => x.startsWith("2026-01"))).toEqual(["2026-01 a1", "2026-01 a4", "2026-01 a5"]);
    // February's wave opens 31 days after January's: everyone is within the 90-day interval.
    await cronAt("2026-02-01T00:17:00Z");
    const feb = (await wavesOf(s.id)).find((w: any) => w.period === "2026-02");
    expect(feb).toMatchObject({ status: "open" });
    expect((await invitationsOf(s.id, t)).filter((x) => x.startsWith("2026-02"))).toEqual([]);
    // No run at all in June's window; a run after it does not open that wave late.
    await cronAt("2026-06-20T00:17:00Z");
    expect((await wavesOf(s.id)).map((w: any) => w.period)).toEqual(["2026-02", "2026-01"]);
    expect(id.a1).toBeTruthy();
  });

  it("two overlapping runs still open one wave and invite each contact once", async () => {
    const { t } = await world();
    const s = await createSurvey({ cadence: { enabled: true, months: [9], day: 1, windowDays: 10 } });
    await Promise.all([cronAt("2026-09-01T00:17:00Z"), cronAt("2026-09-01T00:17:00Z"), cronAt("2026-09-02T00:17:00Z")]);
    expect((await wavesOf(s.id)).map((w: any) => w.period)).toEqual(["2026-09"]);
    expect(await invitationsOf(s.id, t)).toEqual(["2026-09 a1", "2026-09 a4", "2026-09 a5", "2026-09 f1"]);
  });

  it("skips paused surveys and surveys without a cadence", async () => {
    await world();
    const off = await createSurvey();
    const paused = await createSurvey({ status: "paused", cadence: { enabled: true, months: [3], day: 1, windowDays: 10 } });
    await cronAt("2026-03-02T00:17:00Z");
    expect(await wavesOf(off.id)).toEqual([]);
    expect(await wavesOf(paused.id)).toEqual([]);
  });
});
