import { describe, expect, it } from "vitest";
import { api } from "../helpers";

describe("OpenAPI document, admin side", () => {
  it("documents auth, comments and export with their validating schemas", async () => {
    const r = await api("/api/v1/openapi.json");
    const login = r.body.paths["/api/v1/auth/login"].post;
    expect(login.requestBody.content["application/json"].schema.required).toEqual(["email", "password"]);
    const comments = r.body.paths["/api/v1/comments"].get.parameters.map((p: { name: string }) => p.name);
    expect(comments).toEqual(expect.arrayContaining(["surveyId", "from", "to", "category", "segment", "manager", "status", "q", "limit", "before"]));
    expect(r.body.paths["/api/v1/export/responses.csv"].get).toBeDefined();
    expect(r.body.paths["/api/v1/webhooks/{webhookId}"].patch.requestBody).toBeDefined();
  });
});
