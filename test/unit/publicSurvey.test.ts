/** Follow-up wording categories and sampling slots, by hand. */
import { describe, expect, it } from "vitest";
import { categoryOf } from "../../worker/services/publicSurvey";
import { samplingSlot } from "../../worker/services/throttle";

describe("categoryOf", () => {
  it("splits NPS 0–6 / 7–8 / 9–10", () => {
    expect([0, 6, 7, 8, 9, 10].map((n) => categoryOf("nps", n))).toEqual(["detractor", "detractor", "passive", "passive", "promoter", "promoter"]);
  });
  it("splits CSAT 1–2 / 3 / 4–5 and CES 1–3 / 4 / 5–7", () => {
    expect([1, 2, 3, 4, 5].map((n) => categoryOf("csat", n))).toEqual(["detractor", "detractor", "passive", "promoter", "promoter"]);
    expect([1, 3, 4, 5, 7].map((n) => categoryOf("ces", n))).toEqual(["detractor", "detractor", "passive", "promoter", "promoter"]);
  });
});

describe("samplingSlot", () => {
  it("is the first 32 bits of SHA-256('survey:subject') modulo 100, stable across calls", async () => {
    // sha256("srv_a:user-1") = f81c937c… (computed with `printf %s srv_a:user-1 | sha256sum`)
    const slot = await samplingSlot("srv_a", "user-1");
    expect(slot).toBe(0xf81c937c % 100);
    expect(await samplingSlot("srv_a", "user-1")).toBe(slot);
  });
});
