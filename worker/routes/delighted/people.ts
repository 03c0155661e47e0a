/**
 * /v1/people (Delighted's people):
 *   POST   /v1/people                      create or update a person, schedule a survey (delay, send)
 *   GET    /v1/people                      list, cursor paging through an absolute `Link` next URL
 *   GET    /v1/people/:id
 *   DELETE /v1/people/:id | email:… | phone_number:…   erase the person and their answers (202)
 *   DELETE /v1/people/:email/survey_requests/pending   cancel what is not sent yet
 */
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { eraseContact } from "../../services/contactsGdpr";
import {
  cancelPending,
  findPerson,
  peopleQuery,
  personById,
  personView,
  scheduleSurvey,
  upsertPerson,
  v1Survey,
  type PersonRow,
} from "../../services/delighted";
import { CreatePersonSchema, ListPeopleSchema } from "../../schemas/delighted";
import { parseV1, unix, v1Body, V1Error, v1Query } from "../../lib/v1";

const actorOf = (keyId: string | null | undefined) => `api_key:${keyId ?? "bootstrap"}`;

/** Opaque cursor: the last person's creation instant and id (ties broken by id). */
const encodeCursor = (p: PersonRow) => btoa(`${p.createdAt}.${p.id}`).replace(/=+$/, "");
function decodeCursor(s: string): { at: number; id: string } {
  try {
    const m = /^(\d{1,16})\.([A-Za-z0-9_-]{1,64})$/.exec(atob(s));
    if (m) return { at: Number(m[1]), id: m[2]! };
  } catch {
    /* below */
  }
  throw new V1Error(422, "Record is invalid", { cursor: ["is not a cursor this API gave"] });
}

export const peopleRoute = new Hono<AppEnv>()
  .post("/", async (c) => {
    const body = parseV1(CreatePersonSchema, await v1Body(c));
    if (body.channel === "sms" && !body.phone_number) throw new V1Error(422, "Record is invalid", { phone_number: ["can't be blank"] });
    // The survey is resolved first: a person is not half-created when no survey can be sent.
    const survey = body.send === false ? null : await v1Survey(c.var.db);
    const person = await upsertPerson(c.var.db, body);
    const sendAt = survey ? await scheduleSurvey(c.var.db, survey, person, body.delay ?? 0, body.properties) : null;
    const row = (await personById(c.var.db, person.id))!;
    return c.json({ ...personView(row), survey_scheduled_at: unix(sendAt) }, 200);
  })

  .get("/", async (c) => {
    const q = parseV1(ListPeopleSchema, v1Query(c));
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    const where = sql.join(
      [
        sql`1 = 1`,
        after ? sql`(c.created_at > ${after.at} OR (c.created_at = ${after.at} AND c.id > ${after.id}))` : undefined,
        q.since !== undefined ? sql`c.created_at >= ${q.since * 1000}` : undefined,
        q.until !== undefined ? sql`c.created_at <= ${q.until * 1000 + 999}` : undefined,
        q.email !== undefined ? sql`c.email = ${q.email.toLowerCase()}` : undefined,
        q.phone_number !== undefined ? sql`json_extract(c.traits, '$.phone_number') = ${q.phone_number}` : undefined,
      ].filter((x) => x !== undefined),
      sql` AND `,
    );
    const rows = await c.var.db.all<PersonRow>(peopleQuery(where, sql`ORDER BY c.created_at, c.id LIMIT ${q.per_page + 1}`));
    const page = rows.slice(0, q.per_page);
    if (rows.length > q.per_page) {
      // Absolute, port included: the Node client follows it as is (host and port from this URL).
      const next = new URL(c.req.url);
      next.searchParams.set("cursor", encodeCursor(page.at(-1)!));
      c.header("Link", `<${next.toString()}>; rel="next"`);
    }
    return c.json(page.map(personView));
  })

  .get("/:id", async (c) => {
    const contact = await findPerson(c.var.db, c.req.param("id").slice(0, 400));
    const row = contact && (await personById(c.var.db, contact.id));
    if (!row) throw new V1Error(404, "Person not found");
    return c.json(personView(row));
  })

  .delete("/:email/survey_requests/pending", async (c) => {
    const email = c.req.param("email").slice(0, 400);
    const contact = await findPerson(c.var.db, email.startsWith("email:") ? email : `email:${email}`);
    if (!contact) throw new V1Error(404, "Person not found");
    await cancelPending(c.var.db, contact.id);
    return c.json({ ok: true });
  })

  .delete("/:id", async (c) => {
    const contact = await findPerson(c.var.db, c.req.param("id").slice(0, 400));
    if (!contact) throw new V1Error(404, "Person not found");
    await eraseContact(c.var.db, contact.id, actorOf(c.var.principal.keyId));
    return c.json({ ok: true }, 202);
  });
