/** Test helpers: talk to the real Worker (SELF) over HTTP, as clients do. */
import { env, SELF } from "cloudflare:test";
import type { z } from "@hono/zod-openapi";
import type { SurveySchema } from "../worker/schemas/surveys";

export const ADMIN = { authorization: `Bearer ${env.ADMIN_API_KEY}` };

export interface ApiResult<Body> {
  status: number;
  body: Body;
  headers: Headers;
}

/**
 * One HTTP call. `Body` types the parsed JSON when the caller knows it (`api<Survey>(…)`, or a
 * schema's `z.infer`); it stays `any` by default so the many existing call sites that poke into
 * error bodies keep working while they are typed one file at a time.
 */
export async function api<Body = any>(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<ApiResult<Body>> {
  const headers: Record<string, string> = { ...init.headers };
  let body: string | undefined = init.raw;
  if (init.body !== undefined) {
    body = JSON.stringify(init.body);
    headers["content-type"] ??= "application/json";
  }
  const res = await SELF.fetch(`http://localhost${path}`, { method: init.method ?? (body !== undefined ? "POST" : "GET"), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed as Body, headers: res.headers };
}

/** A survey as the API returns it (the route's own response schema). */
export type Survey = z.infer<typeof SurveySchema>;

/** The creation's answer is the one that carries the signing secret (shown once). */
export async function createSurvey(settings: Record<string, unknown> = {}): Promise<Survey & { signingSecret: string }> {
  const res = await api<Survey>("/api/v1/surveys", {
    headers: ADMIN,
    body: { name: "Test survey", kind: "nps", ...settings },
  });
  const { signingSecret } = res.body;
  if (res.status !== 201 || signingSecret === undefined) throw new Error(`survey creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...res.body, signingSecret };
}

export const submit = (surveyId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api(`/api/v1/surveys/${surveyId}/responses`, { body: { id: crypto.randomUUID(), ...body }, headers });

/** HMAC-SHA256 hex, as a client's server signs a contact for a survey (docs/WIDGET.md). */
export async function sign(secret: string, subject: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(subject));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The binding counts in fixed one-minute windows aligned to the clock, so a burst may straddle a
 * boundary. Sending up to 2 × limit + 1 requests is enough for one window to overflow either way;
 * and the requests that passed before the first 429 show the limit is not lower than configured.
 */
export async function burstUntil429(limit: number, send: () => Promise<ApiResult<{ error?: { code: string; requestId: string } }>>) {
  let passed = 0;
  for (let i = 0; i < 2 * limit + 1; i++) {
    const res = await send();
    if (res.status === 429) return { passed, res, window: Math.floor(Date.now() / 60_000) };
    passed++;
  }
  throw new Error(`no 429 after ${2 * limit + 1} requests`);
}
export const sameWindow = (w: number) => Math.floor(Date.now() / 60_000) === w;

/** Waits, if need be, for a one-minute window with at least `ms` left, so a burst fits in one. */
export async function freshWindow(ms = 40_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((r) => setTimeout(r, left + 50));
}
