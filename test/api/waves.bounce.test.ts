import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { ADMIN, api, createSurvey } from "../helpers";
import { bulkAccounts, bulkContacts, uniq } from "./accounts.fixtures";

async function cronAt(iso: string) {
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(iso), cron: "17 * * * *" }), env);
}

describe("bounced addresses", () => {
  it("are not invited again until the contact is corrected", async () => {
    const t = uniq("bnc");
    await bulkAccounts([{ externalId: `${t}-A`, name: "A", startedOn: "2024-01-01" }]);
    const made = await bulkContacts([
      { externalId: `${t}-ok`, email: `${t}-ok@x.test`, accountExternalId: `${t}-A` },
      { externalId: `${t}-bad`, email: `${t}-bad@x.test`, accountExternalId: `${t}-A` },
    ]);
    const bad = made.results[1].id;
    // The cron runs at simulated dates: date the records before them, as they would be.
    await env.DB.prepare("UPDATE contacts SET updated_at = ? WHERE external_id LIKE ?").bind(Date.parse("2025-12-01T00:00:00Z"), `${t}-%`).run();
    // Monthly waves, a short re-survey interval: only the bounce can keep someone out.
    const s = await createSurvey({ resurveyDays: 7, cadence: { enabled: true, months: [1, 2, 3], day: 1, windowDays: 7 } });
    const invitedIn = async (period: string) =>
      (
        await env.DB.prepare(
          "SELECT c.external_id AS ext FROM invitations i JOIN waves w ON w.id = i.wave_id JOIN contacts c ON c.id = i.contact_id WHERE w.survey_id = ? AND w.period = ? ORDER BY 1",
        )
          .bind(s.id, period)
          .all<{ ext: string }>()
      ).results.map((r) => r.ext.split("-").at(-1));

    await cronAt("2026-01-01T00:17:00Z");
    expect(await invitedIn("2026-01")).toEqual(["bad", "ok"]);
    await env.DB.prepare("UPDATE invitations SET status = 'bounced', bounced_at = ? WHERE contact_id = ?")
      .bind(Date.parse("2026-01-02T00:00:00Z"), bad)
      .run();

    await cronAt("2026-02-01T00:17:00Z");
    expect(await invitedIn("2026-02")).toEqual(["ok"]);

    // Someone fixes the address: the next wave asks again.
    const fixed = await api(`/api/v1/contacts/${bad}`, { method: "PATCH", headers: ADMIN, body: { email: `${t}-fixed@x.test` } });
    expect(fixed.status).toBe(200);
    // (the PATCH stamped today's real date; put it back on the simulated calendar)
    await env.DB.prepare("UPDATE contacts SET updated_at = ? WHERE id = ?").bind(Date.parse("2026-02-10T00:00:00Z"), bad).run();
    await cronAt("2026-03-01T00:17:00Z");
    expect(await invitedIn("2026-03")).toEqual(["bad", "ok"]);
  });
});
