/**
 * Survey preview: loads the real widget (/embed.js) for ?survey=…&lang=… and opens it at once.
 * Answers given here must not count, so before the widget loads, every write it could make
 * (fetch with a body, sendBeacon) is answered locally instead of reaching the API.
 */
const q = new URLSearchParams(location.search);
const survey = (q.get("survey") ?? "").replace(/[^a-z0-9_-]/gi, "");
const lang = (q.get("lang") ?? "en").replace(/[^a-z-]/gi, "");

const realFetch = window.fetch.bind(window);
window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  if (method !== "GET" && method !== "HEAD") return Promise.resolve(new Response(JSON.stringify({ preview: true }), { status: 200, headers: { "content-type": "application/json" } }));
  return realFetch(input, init);
};
navigator.sendBeacon = () => true;
try {
  // A fresh frame each time: the widget's own throttle must not hide it after one preview.
  localStorage.clear();
} catch {
  /* storage may be blocked in the frame */
}

const w = window as unknown as { Barometre?: unknown[] | { show(): void } };
w.Barometre = [["show"]];
const s = document.createElement("script");
s.src = "/embed.js";
s.async = true;
s.dataset.survey = survey;
s.dataset.lang = lang;
s.dataset.auto = "false";
s.addEventListener("load", () => {
  const api = w.Barometre;
  if (api && !Array.isArray(api)) api.show();
});
document.body.appendChild(s);
