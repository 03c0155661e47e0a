/**
 * Every operation of the API, pointing at the zod schemas that validate it: the OpenAPI document
 * is derived from these, so it cannot drift from what the Worker accepts.
 */
import { z } from "zod";
import { MetricsQuerySchema } from "../schemas/metrics";
import { PatchResponseSchema, SubmitResponseSchema } from "../schemas/responses";
import { CreateSurveySchema, PatchSurveySchema } from "../schemas/surveys";
import { retentionOperations } from "./retentionOperations";
import { accountsOperations } from "./accountsOperations";
import { adminOperations } from "./adminOperations";
import { integrationsOperations } from "./integrationsOperations";

export type { Operation } from "./operation";
import type { Operation } from "./operation";

const errors = { 400: "Invalid input (`invalid_field`, `invalid_json`…)", 401: "Missing or wrong API key", 404: "Not found" };

export const operations: Operation[] = [
  { method: "get", path: "/api/v1/health", summary: "Liveness", tag: "meta", auth: "public", responses: { 200: "OK" } },
  { method: "post", path: "/api/v1/surveys", summary: "Create a survey (only name and kind are required)", tag: "surveys", auth: "key", body: CreateSurveySchema, responses: { 201: "The survey, with its signing secret", ...errors } },
  { method: "get", path: "/api/v1/surveys", summary: "List surveys (`?include=archived`)", tag: "surveys", auth: "key", responses: { 200: "`{ data: Survey[] }`", 401: errors[401] } },
  { method: "get", path: "/api/v1/surveys/{surveyId}", summary: "Get a survey", tag: "surveys", auth: "key", responses: { 200: "The survey", 401: errors[401], 404: errors[404] } },
  { method: "patch", path: "/api/v1/surveys/{surveyId}", summary: "Change a survey's settings", tag: "surveys", auth: "key", body: PatchSurveySchema, responses: { 200: "The survey", ...errors } },
  { method: "post", path: "/api/v1/surveys/{surveyId}/archive", summary: "Archive a survey (it stops accepting answers; answers are kept)", tag: "surveys", auth: "key", responses: { 200: "The survey", 401: errors[401], 404: errors[404] } },
  { method: "post", path: "/api/v1/surveys/{surveyId}/responses", summary: "Submit an answer, or update it by sending the same client-generated id again (idempotent)", tag: "responses", auth: "public", body: SubmitResponseSchema, bodyType: "application/json or text/plain", responses: { 201: "Stored", 200: "Already stored: updated (comment, changed score)", 403: "Origin not allowed, or identity signature wrong", 409: "The id belongs to another survey", 410: "Survey archived", 413: "Body too large", ...errors } },
  { method: "patch", path: "/api/v1/surveys/{surveyId}/responses/{responseId}", summary: "Add the comment (or extra answers) to an answer", tag: "responses", auth: "public", body: PatchResponseSchema, responses: { 200: "Updated", ...errors } },
  { method: "get", path: "/api/v1/surveys/{surveyId}/responses", summary: "List answers, newest first (`?limit`, `?before` cursor)", tag: "responses", auth: "key", responses: { 200: "`{ data, next }`", 401: errors[401], 404: errors[404] } },
  { method: "get", path: "/api/v1/surveys/{surveyId}/metrics", summary: "Totals (NPS with 95 % interval, CSAT, CES) and the zero-filled trend by month, quarter or half-year", tag: "metrics", auth: "key", query: MetricsQuerySchema, responses: { 200: "`{ totals, trend[], source }`", ...errors } },
  ...retentionOperations,
  ...accountsOperations,
  ...adminOperations,
  ...integrationsOperations,
];
