import { describe, expect, it } from "vitest";
import { operations } from "../../worker/openapi/operations";
import { api } from "../helpers";

describe("GET /api/v1/openapi.json", () => {
  it("documents every operation with the schemas the Worker validates with", async () => {
    const r = await api("/api/v1/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    for (const op of operations) expect(r.body.paths[op.path]?.[op.method], `${op.method} ${op.path}`).toBeDefined();
    const submit = r.body.paths["/api/v1/surveys/{surveyId}/responses"].post;
    const schema = submit.requestBody.content["application/json"].schema;
    expect(schema.required).toEqual(expect.arrayContaining(["id", "score"]));
    expect(schema.properties.comment.maxLength).toBe(5000);
    const metrics = r.body.paths["/api/v1/surveys/{surveyId}/metrics"].get;
    expect(metrics.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(["surveyId", "from", "to", "interval", "tz"]),
    );
  });
});
