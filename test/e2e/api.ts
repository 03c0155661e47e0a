/** Calls to the e2e Worker from Node (set-up and checks, beside what the browser does). */
import { inject } from "vitest";

export async function adminApi(path: string, init: { method?: string; body?: unknown } = {}) {
  const res = await fetch(`${inject("baseUrl")}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: { authorization: `Bearer ${inject("adminKey")}`, "content-type": "application/json" },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}
