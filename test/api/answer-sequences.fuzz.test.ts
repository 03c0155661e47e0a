/**
 * Sequences of submissions of the same answers, as browsers, outboxes, retries and other people
 * send them (fast-check, fixed seed): a few response ids, each with its edit token or without,
 * some through one invitation, with scores and comments changing, replayed in any order.
 * The model below is the rule from docs/WIDGET.md, not the code: an answer is created once, only
 * its token or its invitation changes it, a request that changes nothing succeeds without proof,
 * and an invitation has one answer. After every sequence, D1 must hold exactly what the model says,
 * and every answer must have been the model's status.
 */
import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { contacts, invitations, waves } from "../../worker/db/schema";
import { api, createSurvey } from "../helpers";

interface Send {
  /** Which of three response ids. */
  slot: number;
  score: number;
  /** undefined: no comment field; "": an emptied comment. */
  comment?: string;
  /** The slot's own token, another slot's token, or none. */
  token: "own" | "other" | "none";
  invitation: boolean;
}

const send: fc.Arbitrary<Send> = fc.record(
  {
    slot: fc.integer({ min: 0, max: 2 }),
    score: fc.integer({ min: 0, max: 10 }),
    comment: fc.constantFrom("slow", "great", "", "  spaced  "),
    token: fc.constantFrom("own", "own", "other", "none"),
    invitation: fc.boolean(),
  },
  { requiredKeys: ["slot", "score", "token", "invitation"] },
);

interface Row {
  score: number;
  comment: string | null;
  slot: number;
  invited: boolean;
}

async function newInvitation(surveyId: string) {
  const tag = crypto.randomUUID().slice(0, 8);
  const db = drizzle(env.DB);
  await db.insert(contacts).values({ id: `ctc_${tag}`, email: `${tag}@seq.test`, createdAt: new Date(), updatedAt: new Date() });
  await db
    .insert(waves)
    .values({ id: `wav_${tag}`, surveyId, period: tag, opensAt: new Date(Date.now() - 864e5), closesAt: new Date(Date.now() + 864e5) });
  await db
    .insert(invitations)
    .values({ id: `inv_${tag}`, waveId: `wav_${tag}`, surveyId, contactId: `ctc_${tag}`, token: crypto.randomUUID().replaceAll("-", "") });
  const token = await env.DB.prepare("SELECT token FROM invitations WHERE id = ?").bind(`inv_${tag}`).first<string>("token");
  return { id: `inv_${tag}`, token: token! };
}

describe("sequences of submissions of the same answers", () => {
  it("store what the rule says, whatever the order, retries and missing proofs", async () => {
    const s = await createSurvey();
    await fc.assert(
      fc.asyncProperty(fc.array(send, { minLength: 1, maxLength: 8 }), async (sends) => {
        const ids = [0, 1, 2].map(() => crypto.randomUUID());
        const tokens = [0, 1, 2].map(() => crypto.randomUUID().replaceAll("-", ""));
        const inv = await newInvitation(s.id);
        // The model: rows by response id, and the invitation's answer.
        const rows = new Map<string, Row>();
        let invited: string | null = null;
        for (const x of sends) {
          const id = ids[x.slot]!;
          const editToken = x.token === "own" ? tokens[x.slot] : x.token === "other" ? tokens[(x.slot + 1) % 3] : undefined;
          const body = { id, score: x.score, ...(x.comment !== undefined ? { comment: x.comment } : {}), ...(editToken ? { editToken } : {}) };
          const res = await api(`/api/v1/surveys/${s.id}/responses`, { body: x.invitation ? { ...body, token: inv.token } : body });
          const comment = x.comment === undefined ? undefined : x.comment.trim() || null;
          const existing = rows.get(id);
          // Which row the request is about, and whether it may change it.
          let target: string | null = existing ? id : x.invitation && invited ? invited : null;
          let expected: number;
          if (target === null) {
            // New: created, and it holds its creator's token (or the one minted for it).
            rows.set(id, { score: x.score, comment: comment ?? null, slot: editToken ? tokens.indexOf(editToken) : -1, invited: x.invitation });
            if (x.invitation) invited = id;
            expected = 201;
            target = id;
          } else {
            const row = rows.get(target)!;
            const proof = (editToken !== undefined && tokens.indexOf(editToken) === row.slot) || (x.invitation && row.invited);
            const nothing = x.score === row.score && (comment === undefined || comment === row.comment);
            if (proof || nothing) {
              row.score = x.score;
              if (comment !== undefined) row.comment = comment;
              expected = 200;
            } else expected = 403;
          }
          if (res.status !== expected) return false;
          if (expected < 300 && res.body.id !== target) return false;
        }
        const stored = await env.DB.prepare(`SELECT id, score, comment, invitation_id FROM responses WHERE id IN (?, ?, ?) OR invitation_id = ?`)
          .bind(...ids, inv.id)
          .all<{ id: string; score: number; comment: string | null; invitation_id: string | null }>();
        const want = [...rows]
          .map(([id, r]) => ({ id, score: r.score, comment: r.comment, invited: r.invited }))
          .sort((a, b) => a.id.localeCompare(b.id));
        const got = stored.results
          .map((r) => ({ id: r.id, score: r.score, comment: r.comment, invited: r.invitation_id === inv.id }))
          .sort((a, b) => a.id.localeCompare(b.id));
        expect(got).toEqual(want);
        return true;
      }),
      { seed: 20261130, numRuns: 40, endOnFailure: true },
    );
  }, 120_000);

  it("sent all at once (an outbox flushing, a beacon and a retry racing), make one answer in one of the states sent", async () => {
    const s = await createSurvey();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ score: fc.integer({ min: 0, max: 10 }), comment: fc.constantFrom("a", "b", "") }), { minLength: 2, maxLength: 8 }),
        fc.boolean(),
        async (states, invited) => {
          const id = crypto.randomUUID();
          const editToken = crypto.randomUUID().replaceAll("-", "");
          const inv = invited ? await newInvitation(s.id) : null;
          const results = await Promise.all(
            states.map((x) => api(`/api/v1/surveys/${s.id}/responses`, { body: { id, editToken, ...x, ...(inv ? { token: inv.token } : {}) } })),
          );
          expect(results.map((r) => r.status).sort()).toEqual([...states.slice(1).map(() => 200), 201]);
          const rows = await env.DB.prepare("SELECT id, score, comment FROM responses WHERE id = ? OR invitation_id = ?")
            .bind(id, inv?.id ?? "")
            .all<{ id: string; score: number; comment: string | null }>();
          expect(rows.results).toHaveLength(1);
          expect(states.map((x) => [x.score, x.comment || null])).toContainEqual([rows.results[0]!.score, rows.results[0]!.comment]);
          return true;
        },
      ),
      { seed: 20261130, numRuns: 15, endOnFailure: true },
    );
  }, 120_000);
});
