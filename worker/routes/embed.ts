/**
 * GET /embed.js: the widget (built by scripts/build.mjs into dist/public/embed.js).
 *
 * Versioning: the install snippet loads plain `/embed.js`, cached for an hour and revalidated with
 * its ETag (a 304 costs nothing), so fixes reach every site within the hour. Sites that pin a
 * build load `/embed.js?v=<version>` (the `X-Barometre-Version` header of /embed.js): while that
 * is the current build it is cached for a year as immutable; any other `v` gets the short cache,
 * so a stale pin can never stick for a year.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { notFound } from "../lib/errors";
import { toHex } from "../lib/ids";

let known: { etag: string | null; version: string } | undefined;

async function versionOf(bytes: ArrayBuffer, assetEtag: string | null): Promise<string> {
  if (known && assetEtag && known.etag === assetEtag) return known.version;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const version = toHex(digest.slice(0, 6));
  known = { etag: assetEtag, version };
  return version;
}

export const embedRoute = new Hono<AppEnv>().get("/embed.js", async (c) => {
  const asset = c.env.ASSETS ? await c.env.ASSETS.fetch(new URL("/embed.js", c.req.url)) : null;
  if (!asset?.ok) throw notFound("Widget build");
  const bytes = await asset.arrayBuffer();
  const version = await versionOf(bytes, asset.headers.get("etag"));
  const pinned = c.req.query("v") === version;
  const headers = {
    "Content-Type": "text/javascript; charset=utf-8",
    "Cache-Control": pinned ? "public, max-age=31536000, immutable" : "public, max-age=3600, stale-while-revalidate=86400",
    ETag: `"${version}"`,
    "X-Barometre-Version": version,
    // Lets sites add `crossorigin` + Subresource Integrity to the tag.
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "X-Barometre-Version",
    "X-Content-Type-Options": "nosniff",
  };
  if (c.req.header("if-none-match") === `"${version}"`) return c.body(null, 304, headers);
  return c.body(bytes, 200, headers);
});
