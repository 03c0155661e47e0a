/**
 * Waits on events, never on the clock alone. Tests that prove an absence (nothing shown, nothing
 * sent, nothing recorded) wait for a definite event first, and say which in a comment.
 */
import type { Frame, Page } from "playwright-core";

/**
 * Resolves once the page has had no request in flight for `quietMs`: Playwright's own definition
 * of network idle, but on demand (`waitForLoadState("networkidle")` fires once per navigation,
 * often before a delayed widget even starts). The widget can neither show a survey nor send an
 * answer without a request or a response behind it, so after this, what did not happen will not.
 */
export function networkQuiet(page: Page, quietMs = 500): Promise<void> {
  return new Promise((resolve) => {
    let inFlight = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = () => {
      inFlight++;
      clearTimeout(timer);
    };
    const ended = () => {
      inFlight = Math.max(0, inFlight - 1);
      arm();
    };
    const done = () => {
      page.off("request", started);
      page.off("requestfinished", ended);
      page.off("requestfailed", ended);
      resolve();
    };
    function arm() {
      clearTimeout(timer);
      if (inFlight === 0) timer = setTimeout(done, quietMs);
    }
    page.on("request", started);
    page.on("requestfinished", ended);
    page.on("requestfailed", ended);
    arm();
  });
}

/** Every request the page (and its frames) makes to a URL matching `pattern`, from now on. */
export function recordRequests(page: Page, pattern: RegExp): string[] {
  const seen: string[] = [];
  page.on("request", (r) => {
    if (pattern.test(r.url())) seen.push(`${r.method()} ${r.url()}`);
  });
  return seen;
}

/** Resolves when every running animation (the widget's entrance, in its shadow root too) has finished. */
export async function animationsDone(target: Page | Frame): Promise<void> {
  await target.evaluate(async () => {
    const roots: (Document | ShadowRoot)[] = [document];
    for (const el of document.querySelectorAll("*")) if (el.shadowRoot) roots.push(el.shadowRoot);
    await Promise.all(roots.flatMap((r) => r.getAnimations()).map((a) => a.finished));
  });
}
