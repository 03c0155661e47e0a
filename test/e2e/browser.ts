/** A local Chrome or Chromium through playwright-core (never a downloaded browser: none can be fetched). */
import { chromium, type Browser } from "playwright-core";
import { findBrowser, HOW_TO } from "../../scripts/browser.mjs";

/** Found by scripts/browser.mjs (CHROME_PATH, Debian's chromium, Google Chrome on Linux and macOS). */
export const CHROMIUM = (() => {
  const found = findBrowser();
  if (!found) throw new Error(HOW_TO);
  return found;
})();

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}
