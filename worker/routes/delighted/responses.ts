/**
 * /v1/survey_responses (Delighted's survey responses), for the survey mapped to /v1:
 *   POST /v1/survey_responses            {person, score, comment?, person_properties?, created_at?}  201
 *   PUT  /v1/survey_responses            {id, …}  (the Node client's `save()`)
 *   PUT  /v1/survey_responses/:id        (the other clients)
 *   GET  /v1/survey_responses/:id        ?expand[]=person
 *   GET  /v1/survey_responses            per_page, page, since, until, updated_since, updated_until,
 *                                        person_id, person_email, order, expand
 * Only the integration (API key) that created a response may change it (docs/INTEGRATIONS.md).
 */
import { and, asc, desc, eq, gte, lte, sql, type SQL } from "drizzle-orm";
import { Hono, type Context } from "hono";
import { contacts, responses } from "../../db/schema";
import type { AppEnv } from "../../env";
import { workspaceTz } from "../../lib/timezone";
import type { ResponseRow } from "../../services/recordResponse";
import { createV1Response, findPerson, personById, responseView, updateV1Response, v1Survey, type PersonRow } from "../../services/delighted";
import { CreateResponseSchema, ListResponsesSchema, responseId, UpdateResponseSchema } from "../../schemas/delighted";
import { invalid, parseV1, v1Body, V1Error, v1Query } from "../../lib/v1";

const origin = (c: Context<AppEnv>) => new URL(c.req.url).origin;
const defer = (c: Context<AppEnv>) => (work: Promise<unknown>) => c.executionCtx.waitUntil(work);

async function view(c: Context<AppEnv>, rows: ResponseRow[], expandPerson: boolean) {
  const people = new Map<string, PersonRow>();
  if (expandPerson) {
    for (const id of new Set(rows.map((r) => r.contactId).filter((x): x is string => x !== null))) {
      const p = await personById(c.var.db, id);
      if (p) people.set(id, p);
    }
  }
  return rows.map((r) => responseView(r, expandPerson && r.contactId ? (people.get(r.contactId) ?? null) : r.contactId, origin(c)));
}

async function update(c: Context<AppEnv>, idFromPath: string | undefined) {
  const body = parseV1(UpdateResponseSchema, await v1Body(c));
  const id = idFromPath ?? body.id;
  if (!id) throw invalid("id", "can't be blank");
  const survey = await v1Survey(c.var.db);
  const row = await updateV1Response(
    c.var.db,
    survey,
    c.var.principal,
    id,
    { score: body.score, comment: body.comment, properties: body.person_properties },
    defer(c),
  );
  const [out] = await view(c, [row], false);
  return c.json(out);
}

export const responsesV1Route = new Hono<AppEnv>()
  .post("/", async (c) => {
    const body = parseV1(CreateResponseSchema, await v1Body(c));
    const survey = await v1Survey(c.var.db);
    const person = await findPerson(c.var.db, body.person);
    if (!person) throw invalid("person", "does not exist");
    const row = await createV1Response(
      c.var.db,
      survey,
      c.var.principal,
      {
        person,
        score: body.score,
        comment: body.comment,
        properties: body.person_properties,
        at: Math.min(body.created_at !== undefined ? body.created_at * 1000 : Date.now(), Date.now()),
      },
      workspaceTz(c.env),
      defer(c),
    );
    const [out] = await view(c, [row], false);
    return c.json(out, 201);
  })

  .put("/", (c) => update(c, undefined))
  .put("/:id", (c) => update(c, parseV1(responseId, c.req.param("id"))))

  .get("/:id", async (c) => {
    const id = parseV1(responseId, c.req.param("id"));
    const q = parseV1(ListResponsesSchema.pick({ expand: true }), v1Query(c));
    const survey = await v1Survey(c.var.db);
    const row = await c.var.db
      .select()
      .from(responses)
      .where(and(eq(responses.id, id), eq(responses.surveyId, survey.id)))
      .get();
    if (!row) throw new V1Error(404, "Survey response not found");
    const [out] = await view(c, [row], q.expand?.includes("person") ?? false);
    return c.json(out);
  })

  .get("/", async (c) => {
    const q = parseV1(ListResponsesSchema, v1Query(c));
    const survey = await v1Survey(c.var.db);
    const where: (SQL | undefined)[] = [eq(responses.surveyId, survey.id)];
    if (q.since !== undefined) where.push(gte(responses.createdAt, new Date(q.since * 1000)));
    if (q.until !== undefined) where.push(lte(responses.createdAt, new Date(q.until * 1000 + 999)));
    if (q.updated_since !== undefined) where.push(gte(responses.updatedAt, new Date(q.updated_since * 1000)));
    if (q.updated_until !== undefined) where.push(lte(responses.updatedAt, new Date(q.updated_until * 1000 + 999)));
    if (q.person_id !== undefined) where.push(eq(responses.contactId, q.person_id));
    if (q.person_email !== undefined) {
      where.push(
        sql`${responses.contactId} = (SELECT ${contacts.id} FROM ${contacts} WHERE ${contacts.email} = ${q.person_email.trim().toLowerCase()})`,
      );
    }
    const [dir, column] = q.order.split(":") as ["asc" | "desc", string | undefined];
    const col = column === "updated_at" ? responses.updatedAt : responses.createdAt;
    const by = dir === "desc" ? [desc(col), desc(responses.id)] : [asc(col), asc(responses.id)];
    const rows = await c.var.db
      .select()
      .from(responses)
      .where(and(...where))
      .orderBy(...by)
      .limit(q.per_page)
      .offset((q.page - 1) * q.per_page)
      .all();
    return c.json(await view(c, rows, q.expand?.includes("person") ?? false));
  });
