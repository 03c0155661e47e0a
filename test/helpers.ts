/** Test helpers: talk to the real Worker (SELF) over HTTP, as clients do. */
import { env, SELF } from "cloudflare:test";

export const ADMIN = { authorization: `Bearer ${env.ADMIN_API_KEY}` };

export async function api(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
): Promise<{ status: number; body: any; headers: Headers }> {
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
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function createSurvey(settings: Record<string, unknown> = {}): Promise<any> {
  const res = await api("/api/v1/surveys", {
    headers: ADMIN,
    body: { name: "Test survey", kind: "nps", ...settings },
  });
  if (res.status !== 201) throw new Error(`survey creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export const submit = (surveyId: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api(`/api/v1/surveys/${surveyId}/responses`, { body: { id: crypto.randomUUID(), ...body }, headers });

/** HMAC-SHA256 hex, as a client's server signs a contact for a survey (docs/WIDGET.md). */
export async function sign(secret: string, subject: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(subject));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
