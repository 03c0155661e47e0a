/**
 * KPI goals ("NPS ≥ 40 by June"): admins create, change and delete them; everyone signed in reads
 * them, each with its current value, status (on_track | could_do_better | off_track) and fit.
 * A manager sees the goals that are not about another manager, computed on their own accounts.
 */
import { asc, eq } from "drizzle-orm";
import { Hono, type Context } from "hono";
import { goals, surveys, users } from "../db/schema";
import { localDate } from "../metrics/buckets";
import type { AppEnv, Principal } from "../env";
import { ApiError, badRequest, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { readBody } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { CreateGoalSchema, PatchGoalSchema, SURVEY_KIND_OF, TARGET_RANGE, type GoalInput } from "../schemas/goals";
import { goalProgress } from "../services/goalProgress";
import { managerScope } from "../services/scope";
import { workspaceTz } from "./retention";

type Ctx = Context<AppEnv>;
type GoalRow = typeof goals.$inferSelect;

/** Goals are few by nature; the list is capped so one request never computes hundreds. */
const MAX_GOALS = 100;

const visibleTo = (g: GoalRow, p: Principal) => {
  const m = managerScope(p);
  return m === null || g.scope?.manager === undefined || g.scope.manager === m;
};

async function view(c: Ctx, g: GoalRow) {
  const progress = await goalProgress(c.var.db, g, c.var.principal, workspaceTz(c));
  return {
    id: g.id,
    name: g.name,
    metric: g.metric,
    surveyId: g.surveyId,
    scope: g.scope ?? null,
    target: g.target,
    deadline: g.deadline,
    createdBy: g.createdBy,
    createdAt: g.createdAt.toISOString(),
    ...progress,
  };
}

/** Rules that span fields: the target's range, the survey each metric needs, the scope's manager. */
async function checkGoal(c: Ctx, g: GoalInput, previousDeadline?: string) {
  // A deadline already past is not a goal (it would read "on track" on a stale value); an existing
  // goal may keep its own past deadline when other fields change.
  if (g.deadline !== previousDeadline && g.deadline < localDate(Date.now(), c.env.TIMEZONE || "UTC")) {
    throw badRequest("deadline_passed", "deadline: must be today or later", "deadline");
  }
  const [lo, hi] = TARGET_RANGE[g.metric];
  if (g.target < lo || g.target > hi) {
    throw badRequest("invalid_field", `target: must be between ${lo} and ${hi} for ${g.metric}`, "target");
  }
  const kind = SURVEY_KIND_OF[g.metric];
  if (kind === undefined) {
    if (g.surveyId !== null) throw badRequest("invalid_field", `surveyId: ${g.metric} is measured on accounts, not a survey`, "surveyId");
  } else {
    if (g.surveyId === null) throw badRequest("invalid_field", `surveyId: required for ${g.metric}`, "surveyId");
    const survey = await c.var.db.select({ kind: surveys.kind }).from(surveys).where(eq(surveys.id, g.surveyId)).get();
    if (!survey) throw badRequest("invalid_field", "surveyId: no such survey", "surveyId");
    if (kind !== "any" && survey.kind !== kind) {
      throw badRequest("invalid_field", `surveyId: a ${g.metric} goal needs a ${kind} survey`, "surveyId");
    }
  }
  if (g.scope?.manager !== undefined) {
    const user = await c.var.db.select({ id: users.id }).from(users).where(eq(users.id, g.scope.manager)).get();
    if (!user) throw badRequest("invalid_field", "scope.manager: no such user", "scope.manager");
  }
}

async function findGoal(c: Ctx): Promise<GoalRow> {
  const id = c.req.param("id") ?? "";
  const row = /^[a-z0-9_]{1,40}$/.test(id) ? await c.var.db.select().from(goals).where(eq(goals.id, id)).get() : undefined;
  if (!row || !visibleTo(row, c.var.principal)) throw notFound("Goal");
  return row;
}

const emptyScope = (s: GoalInput["scope"]) => (s && Object.keys(s).length > 0 ? s : null);

export const goalsRoute = new Hono<AppEnv>()
  .get("/", requireAuth(), async (c) => {
    const rows = await c.var.db.select().from(goals).orderBy(asc(goals.deadline), asc(goals.id)).limit(MAX_GOALS).all();
    const visible = rows.filter((g) => visibleTo(g, c.var.principal));
    return c.json({ data: await Promise.all(visible.map((g) => view(c, g))) });
  })
  .get("/:id", requireAuth(), async (c) => c.json(await view(c, await findGoal(c))))
  .post("/", requireAuth("admin"), async (c) => {
    const body = await readBody(c, CreateGoalSchema);
    const input: GoalInput = { ...body, surveyId: body.surveyId ?? null, scope: emptyScope(body.scope ?? null) };
    await checkGoal(c, input);
    const count = await c.var.db.$count(goals);
    if (count >= MAX_GOALS) throw new ApiError(409, "too_many_goals", `At most ${MAX_GOALS} goals`);
    const row = await c.var.db
      .insert(goals)
      .values({ ...input, id: newId("gol"), createdBy: c.var.principal.userId, createdAt: new Date() })
      .returning()
      .get();
    return c.json(await view(c, row), 201);
  })
  .patch("/:id", requireAuth("admin"), async (c) => {
    const goal = await findGoal(c);
    const body = await readBody(c, PatchGoalSchema);
    const merged: GoalInput = {
      name: body.name ?? goal.name,
      metric: body.metric ?? goal.metric,
      surveyId: body.surveyId !== undefined ? body.surveyId : goal.surveyId,
      scope: emptyScope(body.scope !== undefined ? body.scope : (goal.scope ?? null)),
      target: body.target ?? goal.target,
      deadline: body.deadline ?? goal.deadline,
    };
    await checkGoal(c, merged, goal.deadline);
    const row = await c.var.db.update(goals).set(merged).where(eq(goals.id, goal.id)).returning().get();
    return c.json(await view(c, row!));
  })
  .delete("/:id", requireAuth("admin"), async (c) => {
    const goal = await findGoal(c);
    await c.var.db.delete(goals).where(eq(goals.id, goal.id)).run();
    return c.body(null, 204);
  });
