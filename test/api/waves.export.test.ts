import { createScheduledController, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index";
import { ADMIN, api, createSurvey } from "../helpers";
import { bulkAccounts, bulkContacts, uniq } from "./accounts.fixtures";

/** Runs the exported cron handler as Cloudflare would, at `iso`. */
async function cronAt(iso: string) {
  const ctrl = createScheduledController({ scheduledTime: new Date(iso), cron: "17 * * * *" });
  await worker.scheduled(ctrl, env);
}

const wavesOf = async (surveyId: string) => (await api(`/api/v1/waves?surveyId=${surveyId}`, { headers: ADMIN })).body.data;

describe("invitations CSV export", () => {
  it("streams a CSV export longer than one page (1,205 invitations), each once", async () => {
    const t = uniq("big");
    await bulkAccounts([{ externalId: `${t}-A`, name: "Big", startedOn: "2024-01-01" }]);
    const rows = Array.from({ length: 1205 }, (_, i) => ({
      externalId: `${t}-${i}`,
      email: `${t}-${String(i).padStart(4, "0")}@x.test`,
      accountExternalId: `${t}-A`,
    }));
    await bulkContacts(rows.slice(0, 1000));
    await bulkContacts(rows.slice(1000));
    const s = await createSurvey({ cadence: { enabled: true, months: [10], day: 1, windowDays: 30 } });
    await cronAt("2026-10-01T00:17:00Z");
    const [wave] = await wavesOf(s.id);
    const csv = await api(`/api/v1/waves/${wave.id}/invitations.csv`, { headers: ADMIN });
    const lines = (csv.body as string)
      .trim()
      .split("\r\n")
      .slice(1)
      .filter((l) => l.startsWith(t));
    expect(lines).toHaveLength(1205);
    expect(new Set(lines.map((l) => l.split(",")[0])).size).toBe(1205);
  });
});
