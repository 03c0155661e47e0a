/**
 * KPI goals ("NPS ≥ 40 by June"): admins create, change and delete them; everyone signed in reads
 * them, each with its current value, status (on_track | could_do_better | off_track) and fit.
 * A manager sees the goals that are not about another manager, computed on their own accounts.
 */
import { asc, eq } from "drizzle-orm";
import { createMiddleware } from "hono/factory";
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { goals, surveys, users } from "../db/schema";
import type { AppEnv, Principal } from "../env";
import { ApiError, badRequest, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { body, empty, error, errors, json, jsonBody, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { workspaceToday, workspaceTz } from "../lib/timezone";
import { requireAuth } from "../middleware/auth";
import { CreateGoalSchema, GoalSchema, PatchGoalSchema, SURVEY_KIND_OF, TARGET_RANGE, type GoalInput } from "../schemas/goals";
import { goalProgress } from "../services/goalProgress";
import { managerScope } from "../services/scope";

// Read-only view of a context, so handlers with route middleware variables can pass theirs.
type Ctx = Pick<Context<AppEnv>, "var" | "env" | "req">;
type GoalRow = typeof goals.$inferSelect;

/** Goals are few by nature; the list is capped so one request never computes hundreds. */
const MAX_GOALS = 100;

const visibleTo = (g: GoalRow, p: Principal) => {
  const m = managerScope(p);
  return m === null || g.scope?.manager === undefined || g.scope.manager === m;
};

async function view(c: Ctx, g: GoalRow) {
  const progress = await goalProgress(c.var.db, g, c.var.principal, workspaceTz(c.env));
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
  if (g.deadline !== previousDeadline && g.deadline < workspaceToday(c.env)) {
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
  const id = c.req.param("goalId") ?? "";
  const row = /^[a-z0-9_]{1,40}$/.test(id) ? await c.var.db.select().from(goals).where(eq(goals.id, id)).get() : undefined;
  if (!row || !visibleTo(row, c.var.principal)) throw notFound("Goal");
  return row;
}

/** The goal, before the body is looked at: a missing goal is a 404 whatever the body says. */
const loadGoal = createMiddleware<AppEnv & { Variables: { goal: GoalRow } }>(async (c, next) => {
  c.set("goal", await findGoal(c));
  await next();
});

const emptyScope = (s: GoalInput["scope"]) => (s && Object.keys(s).length > 0 ? s : null);

const tags = ["goals"];
const GoalParams = params("goalId");
const goalErrors = { ...errors(400, 401, 404), 403: error("Admins only") };

const list = createRoute({
  method: "get",
  path: "/",
  summary: "KPI goals with current value, status (on_track, could_do_better, off_track) and fit",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  responses: { 200: json(z.object({ data: z.array(GoalSchema) }), "Goals by deadline"), ...errors(401) },
});

const get = createRoute({
  method: "get",
  path: "/{goalId}",
  summary: "A goal with its status",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth()] as const,
  request: { params: GoalParams },
  responses: { 200: json(GoalSchema, "The goal"), ...errors(401, 404) },
});

const create = createRoute({
  method: "post",
  path: "/",
  summary: "Create a goal (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), jsonBody()] as const,
  request: { body: body(CreateGoalSchema) },
  responses: { 201: json(GoalSchema, "The goal with its status"), ...goalErrors, 409: error("`too_many_goals`"), ...errors(413) },
});

const patch = createRoute({
  method: "patch",
  path: "/{goalId}",
  summary: "Change a goal (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin"), loadGoal, jsonBody()] as const,
  request: { params: GoalParams, body: body(PatchGoalSchema) },
  responses: { 200: json(GoalSchema, "The goal with its status"), ...goalErrors, ...errors(413) },
});

const remove = createRoute({
  method: "delete",
  path: "/{goalId}",
  summary: "Delete a goal (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: { params: GoalParams },
  responses: { 204: empty("Deleted"), ...goalErrors },
});

export const goalsRoute = router()
  .openapi(list, async (c) => {
    const rows = await c.var.db.select().from(goals).orderBy(asc(goals.deadline), asc(goals.id)).limit(MAX_GOALS).all();
    const visible = rows.filter((g) => visibleTo(g, c.var.principal));
    return c.json({ data: await Promise.all(visible.map((g) => view(c, g))) }, 200);
  })
  .openapi(get, async (c) => c.json(await view(c, await findGoal(c)), 200))
  .openapi(create, async (c) => {
    const input0 = c.req.valid("json");
    const input: GoalInput = { ...input0, surveyId: input0.surveyId ?? null, scope: emptyScope(input0.scope ?? null) };
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
  .openapi(patch, async (c) => {
    const goal = c.var.goal;
    const input = c.req.valid("json");
    const merged: GoalInput = {
      name: input.name ?? goal.name,
      metric: input.metric ?? goal.metric,
      surveyId: input.surveyId !== undefined ? input.surveyId : goal.surveyId,
      scope: emptyScope(input.scope !== undefined ? input.scope : (goal.scope ?? null)),
      target: input.target ?? goal.target,
      deadline: input.deadline ?? goal.deadline,
    };
    await checkGoal(c, merged, goal.deadline);
    const row = await c.var.db.update(goals).set(merged).where(eq(goals.id, goal.id)).returning().get();
    return c.json(await view(c, row!), 200);
  })
  .openapi(remove, async (c) => {
    const goal = await findGoal(c);
    await c.var.db.delete(goals).where(eq(goals.id, goal.id)).run();
    return c.body(null, 204);
  });
