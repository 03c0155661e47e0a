/** How wrangler dev serves /embed.js: short cache + ETag by default, a year when pinned by version. */
import { readFileSync } from "node:fs";
import { describe, expect, inject, it } from "vitest";

describe("GET /embed.js", () => {
  it("serves the built widget with a short cache, an ETag and its version", async () => {
    const res = await fetch(`${inject("baseUrl")}/embed.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expect(res.headers.get("cache-control")).toBe("public, max-age=3600, stale-while-revalidate=86400");
    const version = res.headers.get("x-barometre-version")!;
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    expect(res.headers.get("etag")).toBe(`"${version}"`);
    expect(await res.text()).toBe(readFileSync("dist/public/embed.js", "utf8"));
    const again = await fetch(`${inject("baseUrl")}/embed.js`, { headers: { "if-none-match": `"${version}"` } });
    expect(again.status).toBe(304);
  });

  it("caches a pinned version for a year, and never a stale pin", async () => {
    const version = (await fetch(`${inject("baseUrl")}/embed.js`)).headers.get("x-barometre-version");
    const pinned = await fetch(`${inject("baseUrl")}/embed.js?v=${version}`);
    expect(pinned.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const stale = await fetch(`${inject("baseUrl")}/embed.js?v=000000000000`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get("cache-control")).toMatch(/max-age=3600/);
  });
});
