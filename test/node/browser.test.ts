/** scripts/browser.mjs: which browser the e2e tests drive, and that a wrong setting says so. */
import { describe, expect, it } from "vitest";
import { findBrowser } from "../../scripts/browser.mjs";

describe("findBrowser", () => {
  it("takes CHROME_PATH first, then the older CHROMIUM_PATH", () => {
    expect(findBrowser({ CHROME_PATH: "/bin/sh", CHROMIUM_PATH: "/bin/ls" })).toBe("/bin/sh");
    expect(findBrowser({ CHROMIUM_PATH: "/bin/ls" })).toBe("/bin/ls");
  });

  it("fails on a CHROME_PATH that does not run, instead of falling back to another browser", () => {
    expect(() => findBrowser({ CHROME_PATH: "/nonexistent/chrome" })).toThrow("CHROME_PATH=/nonexistent/chrome is not an executable file");
  });
});
