/**
 * A customer's web app, as far as the widget can tell: a tiny HTTP server on 127.0.0.1 (so on
 * another origin than wrangler dev) serving pages that embed /embed.js with the one-line snippet.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, expect, inject } from "vitest";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "./browser";
import { adminApi } from "./api";
import { freePort } from "./net";

export interface Host {
  origin: string;
  /** Serves a host page at `path` embedding survey `surveyId`; `before` runs before the tag. */
  page(path: string, surveyId: string, opts?: { lang?: string; before?: string; attrs?: string; html?: string }): string;
  close(): Promise<void>;
}

export async function startHost(): Promise<Host> {
  const pages = new Map<string, string>();
  const server: Server = createServer((req, res) => {
    const html = pages.get((req.url ?? "/").split("?")[0]!);
    res.writeHead(html ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(html ?? "not found");
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    page(path, surveyId, opts = {}) {
      pages.set(
        path,
        `<!doctype html><html lang="${opts.lang ?? "en"}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Acme — Dashboard</title>
<style>body{margin:0;font:15px/1.5 system-ui,sans-serif;background:#f8fafc;color:#0f172a}
header{background:#0f172a;color:#fff;padding:14px 28px;font-weight:600}main{padding:28px;max-width:900px}
.cards{display:grid;grid-template-columns:repeat(3,1fr);gap:16px}.card{background:#fff;border:1px solid #e2e8f0;border-radius:10px;padding:18px}
.card b{display:block;font-size:26px}</style></head>
<body><header>Acme Analytics</header><main><h1>${opts.lang === "fr" ? "Tableau de bord" : "Dashboard"}</h1>
<div class="cards"><div class="card">${opts.lang === "fr" ? "Visiteurs" : "Visitors"}<b>12 408</b></div><div class="card">${opts.lang === "fr" ? "Ventes" : "Sales"}<b>318</b></div><div class="card">${opts.lang === "fr" ? "Conversion" : "Conversion"}<b>2,6 %</b></div></div>
<p><a href="#reports">${opts.lang === "fr" ? "Voir les rapports" : "See reports"}</a></p>${opts.html ?? ""}</main>
<script>window.__events=[];${opts.before ?? ""}</script>
<script async src="${inject("baseUrl")}/embed.js" data-survey="${surveyId}"${opts.attrs ?? ""}></script>
</body></html>`,
      );
      return `${origin}${path}`;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export async function surveyWith(settings: Record<string, unknown>) {
  const r = await adminApi("/api/v1/surveys", { body: { name: "Widget e2e", kind: "nps", ...settings } });
  if (r.status !== 201) throw new Error(`survey: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; signingSecret: string };
}

export const responsesOf = async (surveyId: string): Promise<any[]> => (await adminApi(`/api/v1/surveys/${surveyId}/responses`)).body.data;

/** Polls the API until `ok` holds for the survey's responses (answers arrive asynchronously). */
export async function waitForResponses(surveyId: string, ok: (rows: any[]) => boolean, ms = 20_000): Promise<any[]> {
  let rows: any[] = [];
  // The last rows read are the ones that matched; a failure prints them.
  await expect.poll(async () => (rows = await responsesOf(surveyId)), { timeout: ms, interval: 200 }).toSatisfy(ok);
  return rows;
}

/** Waits until the widget's settings request has been answered (or failed). */
export const settingsLoaded = (page: Page, surveyId: string) =>
  Promise.race([
    page.waitForResponse((r) => r.url().includes(`/surveys/${surveyId}/widget`)),
    page.waitForEvent("requestfailed", (r) => r.url().includes(`/surveys/${surveyId}/widget`)),
  ]);

export const axeSource = () => readFileSync("node_modules/axe-core/axe.min.js", "utf8");

export async function axeViolations(page: Page) {
  await page.addScriptTag({ content: axeSource() });
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => n.target) }));
  });
}

/**
 * One browser and one host page server for a test file: opened before its tests, closed after.
 * Read `bed.browser` and `bed.host` inside tests (they are set once `beforeAll` has run).
 */
export function useBrowserAndHost(): { browser: Browser; host: Host } {
  const bed = {} as { browser: Browser; host: Host };
  beforeAll(async () => {
    bed.browser = await launchBrowser();
    bed.host = await startHost();
  });
  afterAll(async () => {
    await bed.browser?.close();
    await bed.host?.close();
  });
  return bed;
}
