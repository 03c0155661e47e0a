import { describe, expect, it } from "vitest";
import { createSurvey, submit } from "../helpers";

describe("rig", () => {
  it("creates a survey and stores a response in real D1", async () => {
    const s = await createSurvey();
    const r = await submit(s.id, { score: 9 });
    expect(r.status).toBe(201);
    expect(r.body.score).toBe(9);
  });
});
