/**
 * Baromètre's widget: one async <script> tag with data-survey="…" installs it. It reads its
 * settings from its own tag and derives the API origin from its own src, asks the Worker whether
 * to show the survey to this person, and sends the score the moment it is chosen.
 *
 * Calls made before the script has loaded are queued in an array and run on load:
 *   (window.Barometre = window.Barometre || []).push(["identify", { id: "42", signature: "…" }]);
 * After load `Barometre` is the API object; its `push` still works, so the same code runs either way.
 */
import { EMAIL } from "./email";
import { flush, ls, send } from "./store";
import { open, type Settings } from "./ui";

interface Identity {
  id?: string | number;
  email?: string;
  name?: string;
  account?: string | number;
  traits?: Record<string, unknown>;
  signature?: string;
}

const w = window as any;
const me = (document.currentScript || document.querySelector("script[data-survey]")) as HTMLScriptElement;
const data = me.dataset;
const api = `${new URL(me.src).origin}/api/v1/surveys/${encodeURIComponent(data.survey!)}/`;
const KEY = "bm_" + data.survey;
const DAY = 864e5;
let who: Identity = {};
let settings: Settings | undefined;
let close: (() => void) | 0 = 0;
let started = 0;
const listeners: ((e: object) => void)[] = [];

/** A v4 UUID from getRandomValues: crypto.randomUUID exists only on https pages. */
const uuid = (): string =>
  "10000000-1000-4000-8000-100000000000".replace(/[018]/g, (c) =>
    (+c ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+c / 4)))).toString(16),
  );

/**
 * Text as the API stores it (schemas/common.ts): no control characters (line breaks only where
 * `lines`), no half of a surrogate pair, at most `n` UTF-16 units. The API refuses anything else
 * with a 400, which the outbox takes as final: a name, a trait or a comment it would refuse lost
 * the whole answer. Controls become spaces, broken halves go.
 */
const clean = (v: unknown, n: number, lines?: 1) =>
  String(v)
    .replace(
      lines
        ? /[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff\0-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/g
        : /[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff\0-\x08\n-\x1f\x7f-\x9f]/g,
      (m) => (m[1] ? m : m < "\ud800" ? " " : ""),
    )
    .slice(0, n)
    .replace(/[\ud800-\udbff]$/, "");

/** Who answers, in the shape the API validates; a malformed field is left out, not fatal. */
function contact(): { contact?: Record<string, string>; signature?: string } {
  const c: Record<string, string> = {};
  if (who.id != null) c.id = String(who.id).slice(0, 200);
  if (who.email && who.email.length <= 320 && EMAIL.test(who.email)) c.email = who.email;
  if (c.id || c.email) {
    if (who.name) c.name = clean(who.name, 200);
    if (who.account != null) c.account = String(who.account).slice(0, 200);
    return { contact: c, ...(who.signature ? { signature: who.signature } : {}) };
  }
  return {};
}

/** Traits travel with the answer as its properties (at most 20 short strings), with the page. */
function properties() {
  const p: Record<string, string> = { page: (location.origin + location.pathname).slice(0, 500) };
  for (const [k, v] of Object.entries(who.traits || {}).slice(0, 19)) p[clean(k, 40) || "_"] = clean(v, 500, 1);
  return p;
}

/** Local throttle, for visitors the server cannot recognise: answered, dismissed, sampled out. */
function allowed(s: Settings) {
  const st = ls(KEY) || {};
  const now = Date.now();
  if (st.a > now - s.resurveyDays * DAY || st.d > now - s.dismissDays * DAY) return false;
  if (s.sampling < 100 && !(st.s > now - s.resurveyDays * DAY)) {
    st.s = now;
    st.in = Math.random() * 100 < s.sampling;
    ls(KEY, st);
  }
  return s.sampling >= 100 || st.in;
}

function mark(k: string) {
  const st = ls(KEY) || {};
  st[k] = Date.now();
  ls(KEY, st);
}

async function check(force?: boolean) {
  const q = new URLSearchParams({
    l: [data.lang, document.documentElement.lang, ...navigator.languages].filter(Boolean).slice(0, 6).join(),
  });
  // The same cleaned identity the answers carry, so a malformed field cannot hide the survey.
  const { contact: c, signature } = contact();
  if (c?.id) q.set("uid", c.id);
  if (c?.email) q.set("email", c.email);
  // A signature over the full claim covers the account too: without it the check fails here.
  if (c?.account) q.set("account", c.account);
  if (signature) q.set("sig", signature);
  try {
    const r = await fetch(api + "widget?" + q, { credentials: "omit" });
    if (r.ok) settings = await r.json();
  } catch {}
  const s = settings;
  if (!s || close || !(force || (s.show && allowed(s)))) return;
  const id = uuid();
  // Only the holder of this token may change the answer later (the comment): every state of the
  // answer carries it, so a retry whose reply was lost still can. 122 random bits.
  const editToken = uuid().replace(/-/g, "");
  let score = 0;
  const answer = (comment?: string) => {
    const e = { id, score, ...(comment ? { comment } : {}) };
    send(api + "responses", id, { ...e, editToken, locale: s.locale, properties: properties(), ...contact() });
    for (const f of listeners)
      try {
        f(e);
      } catch {}
  };
  close = open(s, {
    score(n) {
      score = n;
      mark("a");
      answer();
    },
    comment: (text) => text.trim() && answer(clean(text, 5000, 1)),
    close(answered, text) {
      close = 0;
      if (answered) return text.trim() && answer(clean(text, 5000, 1));
      mark("d");
      const dismissal = uuid();
      send(api + "dismissals", dismissal, { id: dismissal, ...contact() });
    },
  });
}

const API: Record<string, Function> = {
  identify(u: Identity) {
    who = u || {};
    // Before the first check the identity simply joins it; after, the verdict may differ.
    if (started && !close) check();
  },
  show: () => check(true),
  hide() {
    close && close();
    close = 0;
  },
  on(event: string, f: (e: object) => void) {
    if (event == "response") listeners.push(f);
  },
  push(call: [string, ...unknown[]]) {
    API[call[0]]?.(...call.slice(1));
  },
};

const queued = w.Barometre;
w.Barometre = API;
if (Array.isArray(queued)) queued.forEach((c) => API.push!(c));
flush();
// Ask once the page has settled (data-delay, in seconds), unless the app calls show() itself.
if (data.auto != "false") {
  setTimeout(
    () => {
      started = 1;
      check();
    },
    +(data.delay || 0) * 1e3,
  );
}
