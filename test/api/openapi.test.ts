import { describe, expect, it } from "vitest";
import { app } from "../../worker/app";
import { api } from "../helpers";

describe("GET /api/v1/openapi.json", () => {
  it("documents every /api route with the schemas the Worker validates with", async () => {
    const r = await api("/api/v1/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    const routes = app.routes.filter((x) => x.method !== "ALL" && x.path.startsWith("/api/"));
    expect(routes.length).toBeGreaterThan(60);
    for (const { method, path } of routes) {
      const documented = path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
      expect(r.body.paths[documented]?.[method.toLowerCase()], `${method} ${documented}`).toBeDefined();
    }
    const submit = r.body.paths["/api/v1/surveys/{surveyId}/responses"].post;
    const schema = submit.requestBody.content["application/json"].schema;
    expect(schema.required).toEqual(expect.arrayContaining(["id", "score"]));
    expect(schema.properties.comment.maxLength).toBe(5000);
    const metrics = r.body.paths["/api/v1/surveys/{surveyId}/metrics"].get;
    expect(metrics.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(["surveyId", "from", "to", "interval", "tz"]));
    // CSV in and out: documented by their media types.
    expect(Object.keys(r.body.paths["/api/v1/imports/{kind}"].post.requestBody.content)).toEqual(["text/csv"]);
    expect(Object.keys(r.body.paths["/api/v1/export/responses.csv"].get.responses["200"].content)).toEqual(["text/csv"]);
  });
});
