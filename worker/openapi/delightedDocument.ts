/**
 * The OpenAPI 3.1 document of the Delighted-compatible /v1 surface, served at /v1/openapi.json
 * beside Baromètre's own /api/v1/openapi.json. Built from the same zod schemas the routes parse
 * with, so the two cannot drift.
 */
import { z } from "zod";
import * as s from "../schemas/delighted";

type Json = Record<string, unknown>;

const schemaOf = (x: z.ZodType): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(x, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
};

function query(x: z.ZodType): Json[] {
  const json = schemaOf(x) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    schema,
  }));
}

const errors = {
  "401": { description: "Missing or unknown API key", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "403": {
    description: "Key without the admin role or the needed scope",
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  },
  "422": { description: "Invalid fields, named in `errors`", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
  "429": { description: "Too many requests; see Retry-After", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
};

const body = (x: z.ZodType) => ({
  required: true,
  content: { "application/json": { schema: schemaOf(x) }, "application/x-www-form-urlencoded": { schema: schemaOf(x) } },
});
const ok = (description: string, code = "200") => ({ [code]: { description }, ...errors });
const idParam = (name: string, description: string) => ({ name, in: "path", required: true, schema: { type: "string" }, description });

export function delightedOpenApi(serverUrl: string): Json {
  return {
    openapi: "3.1.0",
    info: {
      title: "Baromètre — Delighted-compatible API",
      version: "1",
      description:
        "Delighted's v1 API on Baromètre: point the official clients at this host. HTTP Basic auth with an admin-role API key as the user name. Metrics count every response, as Delighted did (docs/INTEGRATIONS.md).",
    },
    servers: [{ url: `${serverUrl}/v1` }],
    security: [{ basic: [] }],
    paths: {
      "/people": {
        post: {
          summary: "Create or update a person and schedule a survey",
          requestBody: body(s.CreatePersonSchema),
          responses: ok("The person, with survey_scheduled_at"),
        },
        get: { summary: "List people (cursor paging through the Link header)", parameters: query(s.ListPeopleSchema), responses: ok("People") },
      },
      "/people/{id}": {
        get: { summary: "One person", parameters: [idParam("id", "id, email:… or phone_number:…")], responses: ok("The person") },
        delete: {
          summary: "Erase a person and their answers",
          parameters: [idParam("id", "id, email:… or phone_number:…")],
          responses: ok('{"ok": true}', "202"),
        },
      },
      "/people/{email}/survey_requests/pending": {
        delete: {
          summary: "Cancel the person's pending survey requests",
          parameters: [idParam("email", "the person's email")],
          responses: ok('{"ok": true}'),
        },
      },
      "/survey_responses": {
        post: { summary: "Add a response", requestBody: body(s.CreateResponseSchema), responses: ok("The response", "201") },
        put: {
          summary: "Change a response (id in the body; the Node client's save())",
          requestBody: body(s.UpdateResponseSchema),
          responses: ok("The response"),
        },
        get: { summary: "List responses", parameters: query(s.ListResponsesSchema), responses: ok("Responses") },
      },
      "/survey_responses/{id}": {
        get: {
          summary: "One response",
          parameters: [idParam("id", "response id"), ...query(s.ListResponsesSchema.pick({ expand: true }))],
          responses: ok("The response"),
        },
        put: {
          summary: "Change a response created by the same API key",
          parameters: [idParam("id", "response id")],
          requestBody: body(s.UpdateResponseSchema),
          responses: ok("The response"),
        },
      },
      "/metrics": { get: { summary: "NPS and counts, every response counting", parameters: query(s.MetricsQuerySchema), responses: ok("Metrics") } },
      "/unsubscribes": {
        post: { summary: "Unsubscribe a person", requestBody: body(s.UnsubscribeSchema), responses: ok('{"ok": true}') },
        get: { summary: "List unsubscribed people", parameters: query(s.PagedQuerySchema), responses: ok("Unsubscribes") },
      },
      "/bounces": { get: { summary: "List bounced people", parameters: query(s.PagedQuerySchema), responses: ok("Bounces") } },
      "/autopilot/{platform}": {
        get: { summary: "Autopilot configuration (read-only)", parameters: [idParam("platform", "email or sms")], responses: ok("Configuration") },
      },
    },
    components: {
      securitySchemes: { basic: { type: "http", scheme: "basic", description: "API key as the user name, empty password" } },
      schemas: {
        Error: {
          type: "object",
          required: ["status", "message"],
          properties: {
            status: { type: "integer" },
            message: { type: "string" },
            errors: { type: "object", additionalProperties: { type: "array", items: { type: "string" } } },
          },
        },
      },
    },
  };
}
