/**
 * A 40-line router: the page is `location.pathname` under /admin, the filters are the query
 * string (so a link or a reload keeps them). No library: it would cost more than it does.
 */
import { useSubscription } from "./store";

export const BASE = "/admin";
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
addEventListener("popstate", notify);

export interface Route {
  /** Path under /admin, always starting with "/" ("/accounts/acc_1"). */
  path: string;
  query: URLSearchParams;
}

export const currentRoute = (): Route => ({
  path: location.pathname.slice(BASE.length).replace(/\/+$/, "") || "/",
  query: new URLSearchParams(location.search),
});

export function navigate(to: string, opts: { replace?: boolean } = {}) {
  const url = to.startsWith("/admin") ? to : BASE + (to === "/" ? "/" : to);
  if (url === location.pathname + location.search) return;
  history[opts.replace ? "replaceState" : "pushState"](null, "", url);
  notify();
  if (!opts.replace) scrollTo(0, 0);
}

/** Replaces some query parameters (empty value = removed), keeping the others. */
export function setQuery(patch: Record<string, string | undefined | null>, opts: { push?: boolean } = {}) {
  const q = new URLSearchParams(location.search);
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined || v === null || v === "") q.delete(k);
    else q.set(k, v);
  }
  const s = q.toString();
  navigate(location.pathname + (s ? "?" + s : ""), { replace: !opts.push });
}

export function useRoute(): Route {
  useSubscription(listeners, () => location.pathname + location.search);
  return currentRoute();
}

/** Internal link: a real <a href> (open in new tab works), client-side navigation on plain click. */
export function onLinkClick(e: MouseEvent) {
  const a = (e.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute("href")!);
}

/** `?a=1&b=2` from an object, skipping empty values. */
export function qsOf(query: Record<string, string | number | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? "?" + s : "";
}
