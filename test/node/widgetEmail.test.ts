/**
 * The widget keeps only e-mail addresses the API accepts: its pattern is zod's, which the API's
 * `z.email()` applies. If zod changes its pattern, this fails and the widget follows.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { EMAIL } from "../../web/embed/email";

describe("the widget's e-mail pattern", () => {
  it("is the one the API validates with", () => {
    expect(EMAIL.source).toBe(z.regexes.email.source);
    for (const e of ["a@b.co", "a+tag@x.co", "o'neil@x.com", "a..b@x.com", "josé@exemple.fr", "a@b.c", ".a@x.com", "a@x_y.com"]) {
      expect(EMAIL.test(e), e).toBe(z.email().safeParse(e).success);
    }
  });
});
