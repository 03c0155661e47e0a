/**
 * What the widget keeps in the visitor's localStorage, and the outbox of unsent answers.
 *
 * Every answer is stored in the outbox before it is sent and removed only once the Worker has
 * answered it (or refused it for good, a 4xx other than 408/429). It is retried with back-off,
 * when the browser comes back online, on the next page that loads the widget, and by sendBeacon
 * when the page is hidden. Re-sending is harmless: the server updates a response by its
 * client-generated id, so a duplicate delivery changes nothing.
 */
type Item = [url: string, key: string, body: string, at: number];

/** localStorage may be missing or throw (private modes, sandboxed frames): then we forget. */
export function ls(k: string, v?: unknown): any {
  try {
    if (v === undefined) return JSON.parse(localStorage.getItem(k) || "null");
    localStorage.setItem(k, JSON.stringify(v));
  } catch {}
}

const QK = "bm_q";
const items = (): Item[] => ls(QK) || [];
let busy = 0;
let wait = 2e3;
let timer: any;

/** Queues the latest state of one answer (a newer state of the same key replaces the older). */
export function send(url: string, key: string, body: object) {
  ls(QK, [...items().filter((i) => i[1] != key), [url, key, JSON.stringify(body), Date.now()]]);
  flush();
}

export async function flush() {
  if (busy) return;
  busy = 1;
  clearTimeout(timer);
  let sent = 0;
  for (const it of items()) {
    // An answer that could not be delivered in 30 days never will be; stop carrying it.
    let done = it[3] < Date.now() - 2592e6;
    try {
      // text/plain (fetch's default for a string body): a CORS "simple" request, no preflight.
      const r = done || (await fetch(it[0], { method: "POST", body: it[2], credentials: "omit", keepalive: true }));
      done = r === true || (r.status < 500 && r.status != 429 && r.status != 408);
    } catch {}
    // Drop it only if it was not replaced by a newer state while in flight.
    if (done) {
      sent = 1;
      ls(
        QK,
        items().filter((i) => i[1] != it[1] || i[2] != it[2]),
      );
    }
  }
  busy = 0;
  // Something newer arrived while sending: go again now. Nothing got through: back off.
  if (items().length) timer = setTimeout(flush, sent ? 0 : (wait = Math.min(wait * 2, 6e4)));
  else wait = 2e3;
}

addEventListener("online", flush);
// The page may be closing: hand what is left to the browser, which sends it even after unload.
// It stays in the outbox anyway; the next page re-sends it, and the id makes that harmless.
// Mobile browsers may kill a hidden tab without a pagehide, so hiding counts too.
const beacon = () => {
  for (const it of items()) navigator.sendBeacon?.(it[0], it[2]);
};
addEventListener("pagehide", beacon);
document.addEventListener("visibilitychange", () => document.hidden && beacon());
