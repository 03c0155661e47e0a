/**
 * Drafts survive an expired session: when a call comes back 401, what the user had typed on the
 * page (text inputs and text areas with an id, never passwords or files) is kept in
 * sessionStorage — this tab only, gone when it closes — with the page and the user it belongs
 * to. After signing in again the router returns to that page, and each field is filled back in
 * as soon as it appears (lists load after the page), through the same input events typing sends,
 * so the page's state follows. A different user signing in on the tab gets nothing back.
 */
const KEY = "bm.drafts";
const TEXT_TYPES = new Set(["text", "search", "email", "url", "number", "date", "tel", ""]);
const WAIT_MS = 15_000;

interface Saved {
  path: string;
  userId: string;
  fields: Record<string, string>;
}

/** Called before the page is replaced by the sign-in form. */
export function saveDrafts(userId: string): void {
  const fields: Record<string, string> = {};
  for (const el of document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>("main input[id], main textarea[id]")) {
    if (el instanceof HTMLInputElement && !TEXT_TYPES.has(el.getAttribute("type") ?? "")) continue;
    if (el.value.trim() !== "" && el.value !== el.defaultValue) fields[el.id] = el.value;
  }
  if (Object.keys(fields).length === 0) return;
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ path: location.pathname + location.search, userId, fields } satisfies Saved));
  } catch {
    /* storage full or disabled: nothing more we can do */
  }
}

function read(): Saved | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Saved) : null;
  } catch {
    return null;
  }
}

/**
 * Puts the saved fields back on `path` for `userId`; `onRestored` hears how many came back.
 * Returns a function that stops waiting for fields that never appear.
 */
export function restoreDrafts(userId: string, onRestored: (n: number) => void): () => void {
  const saved = read();
  if (!saved || saved.path !== location.pathname + location.search) return () => {};
  sessionStorage.removeItem(KEY);
  if (saved.userId !== userId) return () => {};
  const pending = new Map(Object.entries(saved.fields));
  let restored = 0;
  const fill = () => {
    for (const [id, value] of pending) {
      const el = document.getElementById(id);
      if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement)) continue;
      el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
      pending.delete(id);
      restored++;
    }
    if (restored > 0) onRestored(restored);
    if (pending.size === 0) stop();
  };
  const observer = new MutationObserver(fill);
  const timer = setTimeout(() => stop(), WAIT_MS);
  function stop() {
    observer.disconnect();
    clearTimeout(timer);
  }
  observer.observe(document.body, { childList: true, subtree: true });
  fill();
  return stop;
}
