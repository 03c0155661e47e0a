/** OpenAPI entries of the retention, account-level NPS, breakdown and goal endpoints. */
import { CreateGoalSchema, PatchGoalSchema } from "../schemas/goals";
import {
  AccountsMetricsQuerySchema,
  BreakdownQuerySchema,
  CohortsQuerySchema,
  RetentionByCategoryQuerySchema,
  RetentionQuerySchema,
} from "../schemas/retention";
import type { Operation } from "./operation";

const errors = { 400: "Invalid input (`invalid_field` naming the field, `range_too_large`…)", 401: "Missing or wrong API key", 403: "A manager asking for another manager's accounts" };
const goalErrors = { 400: "Invalid input (`invalid_field` naming the field)", 401: errors[401], 403: "Admins only", 404: "Not found" };

export const retentionOperations: Operation[] = [
  { method: "get", path: "/api/v1/metrics/retention", summary: "Customer retention rate, churn, NRR and GRR per month, quarter or half-year (docs/METRICS.md, Retention)", tag: "retention", auth: "key", query: RetentionQuerySchema, responses: { 200: "`{ interval, from, to, asOf, points[] }`", ...errors } },
  { method: "get", path: "/api/v1/metrics/cohorts", summary: "Share of each start-quarter cohort still active k quarters on", tag: "retention", auth: "key", query: CohortsQuerySchema, responses: { 200: "`{ from, to, asOf, cohorts[] }`", ...errors } },
  { method: "get", path: "/api/v1/metrics/retention-by-category", summary: "Retention over the next H months of promoter, passive, detractor and silent accounts, per wave or half-year, with n and 95 % intervals", tag: "retention", auth: "key", query: RetentionByCategoryQuerySchema, responses: { 200: "`{ mode, horizonMonths, asOf, periods[], pooled }`", 404: "Survey not found", ...errors } },
  { method: "get", path: "/api/v1/metrics/accounts", summary: "Account-level NPS: each account's mean and category, no answer counted", tag: "retention", auth: "key", query: AccountsMetricsQuerySchema, responses: { 200: "`{ accounts[], counts, nps, total, truncated }`", 404: "Survey not found", ...errors } },
  { method: "get", path: "/api/v1/metrics/breakdown", summary: "NPS, CSAT or CES per segment, manager, account, channel or locale, each with n and a 95 % interval", tag: "metrics", auth: "key", query: BreakdownQuerySchema, responses: { 200: "`{ groups: [{ value, label, summary, ci95 }] }`", 404: "Survey not found", ...errors } },
  { method: "get", path: "/api/v1/goals", summary: "KPI goals with current value, status (on_track, could_do_better, off_track) and fit", tag: "goals", auth: "key", responses: { 200: "`{ data: Goal[] }`", 401: errors[401] } },
  { method: "post", path: "/api/v1/goals", summary: "Create a goal (admins)", tag: "goals", auth: "key", body: CreateGoalSchema, responses: { 201: "The goal with its status", ...goalErrors } },
  { method: "get", path: "/api/v1/goals/{goalId}", summary: "A goal with its status", tag: "goals", auth: "key", responses: { 200: "The goal", 401: errors[401], 404: "Not found" } },
  { method: "patch", path: "/api/v1/goals/{goalId}", summary: "Change a goal (admins)", tag: "goals", auth: "key", body: PatchGoalSchema, responses: { 200: "The goal with its status", ...goalErrors } },
  { method: "delete", path: "/api/v1/goals/{goalId}", summary: "Delete a goal (admins)", tag: "goals", auth: "key", responses: { 204: "Deleted", ...goalErrors } },
];
