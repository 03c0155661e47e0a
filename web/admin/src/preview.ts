/**
 * Survey preview: loads the real widget (/embed.js) for ?survey=…&lang=… and opens it at once
 * (its documented queue: `Barometre = [["show"]]` before the script, `data-auto="false"`).
 * Answers given here must not count, so before the widget loads, every write it could make
 * (fetch with a body, sendBeacon) is answered locally instead of reaching the API.
 */
const q = new URLSearchParams(location.search);
const survey = (q.get("survey") ?? "").replace(/[^a-z0-9_-]/gi, "");
const lang = (q.get("lang") ?? "en").replace(/[^a-z-]/gi, "");

const realFetch = window.fetch.bind(window);
window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
  const method = (init?.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
  if (method !== "GET" && method !== "HEAD")
    return Promise.resolve(new Response(JSON.stringify({ preview: true }), { status: 200, headers: { "content-type": "application/json" } }));
  return realFetch(input, init);
};
navigator.sendBeacon = () => true;
try {
  // The widget's own memory for this survey (answered / dismissed / sampled) and its outbox, so
  // each preview starts fresh. Only its keys: the admin page shares this origin's storage.
  localStorage.removeItem("bm_" + survey);
  localStorage.removeItem("bm_q");
} catch {
  /* storage may be blocked in the frame */
}

// The widget runs queued calls when it loads: "show" opens it whatever its throttle says.
(window as unknown as { Barometre?: unknown[] }).Barometre = [["show"]];
const s = document.createElement("script");
s.src = "/embed.js";
s.async = true;
s.dataset.survey = survey;
s.dataset.lang = lang;
s.dataset.auto = "false";
document.body.appendChild(s);
