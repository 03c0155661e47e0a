/**
 * The Worker as if an e-mail API were configured: requests go through the real app with extra
 * settings (EMAIL_API_URL, PUBLIC_URL…), and what it POSTs to the e-mail API is captured instead
 * of leaving the machine. Work left to waitUntil (the password reset e-mail) is awaited.
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { vi } from "vitest";
import { app } from "../worker/app";
import type { Env } from "../worker/env";

export const MAIL_URL = "https://mail.example.test/send";
export const PUBLIC = "https://nps.example.test";

export interface Sent {
  headers: Headers;
  body: any;
}

/** `status`: what the stub e-mail API answers. */
export function mailWorker(settings: Partial<Env> = {}, status = 202) {
  const sent: Sent[] = [];
  const real = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url === (settings.EMAIL_API_URL ?? MAIL_URL)) {
      sent.push({ headers: new Headers(init?.headers), body: JSON.parse(String(init?.body)) });
      return new Response("{}", { status });
    }
    return real(input, init);
  });
  const workerEnv = { ...env, EMAIL_API_URL: MAIL_URL, EMAIL_FROM: "nps@corp.example", PUBLIC_URL: PUBLIC, ...settings } as Env;
  async function call(path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const ctx = createExecutionContext();
    const res = await app.fetch(
      new Request(`http://localhost${path}`, {
        method: init.method ?? (init.body === undefined ? "GET" : "POST"),
        headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...init.headers },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      }),
      workerEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, headers: res.headers };
  }
  return { call, sent };
}

/** The `#token=` of the link in an e-mail's text. */
export function tokenIn(text: string): string {
  const m = /#token=([0-9a-z]+)/.exec(text);
  if (!m) throw new Error(`no link in: ${text}`);
  return m[1]!;
}
