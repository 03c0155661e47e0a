/** Survey definitions (API key or admin session). */
import { desc, eq, ne } from "drizzle-orm";
import { Hono } from "hono";
import { surveys } from "../db/schema";
import type { AppEnv, Db } from "../env";
import { notFound } from "../lib/errors";
import { newId, newSecret } from "../lib/ids";
import { readBody } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { CreateSurveySchema, PatchSurveySchema } from "../schemas/surveys";

type SurveyRow = typeof surveys.$inferSelect;

/** API view of a survey. The signing secret is shown to admins only (they give it to servers). */
export function surveyView(s: SurveyRow, showSecret: boolean) {
  const { signingSecret, ...rest } = s;
  return {
    ...rest,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    archivedAt: s.archivedAt?.toISOString() ?? null,
    ...(showSecret ? { signingSecret } : {}),
  };
}

export async function findSurvey(db: Db, id: string): Promise<SurveyRow> {
  const row = await db.select().from(surveys).where(eq(surveys.id, id)).get();
  if (!row) throw notFound("Survey");
  return row;
}

/**
 * Public endpoints (every widget load and answer) read the survey through a short per-isolate
 * cache: a survey changes rarely, and in production each D1 query is a network round trip.
 * Writes here drop the entry at once; other isolates see a change within SURVEY_CACHE_MS.
 */
export const SURVEY_CACHE_MS = 5_000;
const cache = new Map<string, { row: SurveyRow; until: number }>();

export async function findSurveyCached(db: Db, id: string): Promise<SurveyRow> {
  const hit = cache.get(id);
  if (hit && hit.until > Date.now()) return hit.row;
  const row = await findSurvey(db, id);
  if (cache.size > 1000) cache.clear();
  cache.set(id, { row, until: Date.now() + SURVEY_CACHE_MS });
  return row;
}

export const forgetSurvey = (id: string) => void cache.delete(id);

export const surveysRoute = new Hono<AppEnv>()
  .post("/", requireAuth("admin"), async (c) => {
    const body = await readBody(c, CreateSurveySchema);
    const row = await c.var.db
      .insert(surveys)
      .values({
        ...body,
        id: newId("srv"),
        signingSecret: newSecret("whsec_"),
        createdAt: new Date(),
        updatedAt: new Date(),
      })
      .returning()
      .get();
    return c.json(surveyView(row, true), 201);
  })
  .get("/", requireAuth(), async (c) => {
    const all = c.req.query("include") === "archived";
    const rows = await c.var.db
      .select()
      .from(surveys)
      .where(all ? undefined : ne(surveys.status, "archived"))
      .orderBy(desc(surveys.createdAt))
      .all();
    const admin = c.var.principal.role === "admin";
    return c.json({ data: rows.map((s) => surveyView(s, admin)) });
  })
  .get("/:surveyId", requireAuth(), async (c) => {
    const row = await findSurvey(c.var.db, c.req.param("surveyId"));
    return c.json(surveyView(row, c.var.principal.role === "admin"));
  })
  .patch("/:surveyId", requireAuth("admin"), async (c) => {
    const id = c.req.param("surveyId");
    await findSurvey(c.var.db, id);
    const body = await readBody(c, PatchSurveySchema);
    const archivedAt = body.status === undefined ? {} : { archivedAt: body.status === "archived" ? new Date() : null };
    const row = await c.var.db
      .update(surveys)
      .set({ ...body, ...archivedAt, updatedAt: new Date() })
      .where(eq(surveys.id, id))
      .returning()
      .get();
    forgetSurvey(id);
    return c.json(surveyView(row!, true));
  })
  .post("/:surveyId/archive", requireAuth("admin"), async (c) => {
    const id = c.req.param("surveyId");
    await findSurvey(c.var.db, id);
    const row = await c.var.db
      .update(surveys)
      .set({ status: "archived", archivedAt: new Date(), updatedAt: new Date() })
      .where(eq(surveys.id, id))
      .returning()
      .get();
    forgetSurvey(id);
    return c.json(surveyView(row!, true));
  });
