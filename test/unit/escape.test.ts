import { expect, it } from "vitest";
import { escapeHtml } from "../../worker/views/escape";
it("escapes the five HTML characters like hono/html", () => {
  expect(escapeHtml(`<b a="1">Tom & Jerry's</b>`)).toBe("&lt;b a=&quot;1&quot;&gt;Tom &amp; Jerry&#39;s&lt;/b&gt;");
  expect(escapeHtml("plain")).toBe("plain");
});
