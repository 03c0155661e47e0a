/** Builds the OpenAPI 3.1 document from `operations` (zod 4 converts the schemas itself). */
import { z } from "zod";
import { operations } from "./operations";

type Json = Record<string, unknown>;

export const schemaOf = (s: z.ZodType): Json => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Json;
  return rest;
};

export function queryParameters(s: z.ZodType): Json[] {
  const json = schemaOf(s) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name,
    in: "query",
    required: json.required?.includes(name) ?? false,
    schema,
  }));
}

export function openApiDocument(serverUrl: string): Json {
  const paths: Record<string, Json> = {};
  for (const op of operations) {
    const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      tags: [op.tag],
      ...(op.auth === "key" ? { security: [{ bearer: [] }] } : { security: [] }),
      parameters: [...pathParams, ...(op.query ? queryParameters(op.query) : [])],
      ...(op.body
        ? {
            requestBody: {
              required: true,
              ...(op.bodyType ? { description: `Content type: ${op.bodyType}` } : {}),
              content: { "application/json": { schema: schemaOf(op.body) } },
            },
          }
        : {}),
      responses: Object.fromEntries(
        Object.entries(op.responses).map(([code, description]) => [
          code,
          Number(code) >= 400
            ? { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } }
            : { description },
        ]),
      ),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Baromètre API",
      version: "1",
      description: "Surveys, answers and NPS/retention metrics. Errors share one shape with a stable `code`.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API key" } },
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message", "requestId"],
              properties: {
                code: { type: "string" },
                message: { type: "string" },
                field: { type: "string", description: "The offending field, dotted (`contact.email`)" },
                requestId: { type: "string" },
              },
            },
          },
        },
      },
    },
    paths,
  };
}
