// The browser the e2e tests drive (playwright-core never downloads one). Looked for in order:
// $CHROME_PATH (or the older $CHROMIUM_PATH), Debian's and Ubuntu's Chromium, Google Chrome on
// Linux, then Chrome and Chromium on macOS.
//
//   node scripts/browser.mjs   prints the path, or installs Debian's chromium when it can (root
//                              with apt-get, as .ci/run does), or fails at once with one line
//                              that says how. `npm test` runs it first: browser tests never skip.
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

const NAMES = ["chromium", "chromium-browser", "google-chrome-stable", "google-chrome"];
const FIXED = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome-stable",
  "/usr/bin/google-chrome",
  "/opt/google/chrome/chrome",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
];

const executable = (p) => {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The first browser found, or undefined. An explicit path that does not run is an error. */
export function findBrowser(env = process.env) {
  const explicit = env.CHROME_PATH || env.CHROMIUM_PATH;
  if (explicit) {
    if (!executable(explicit)) throw new Error(`CHROME_PATH=${explicit} is not an executable file`);
    return explicit;
  }
  // Ubuntu's /usr/bin/chromium-browser may be a snap launcher; it still runs headless.
  const onPath = (env.PATH ?? "")
    .split(delimiter)
    .filter(Boolean)
    .flatMap((dir) => NAMES.map((n) => join(dir, n)));
  return [...FIXED, ...onPath].find(executable);
}

export const HOW_TO =
  "No Chrome or Chromium for the browser tests: install one (Debian/Ubuntu: sudo apt-get install -y chromium; macOS: Google Chrome) or set CHROME_PATH to its executable.";

/** Finds a browser, installing Debian's package when we are root with apt-get; else throws HOW_TO. */
export function ensureBrowser() {
  const found = findBrowser();
  if (found) return found;
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  if (root && executable("/usr/bin/apt-get")) {
    console.error("No browser for the e2e tests: installing Debian's chromium (apt-get)…");
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    execFileSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "-qq", "chromium"], { stdio: ["ignore", "ignore", "inherit"], env });
    const installed = findBrowser();
    if (installed) return installed;
  }
  throw new Error(HOW_TO);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(`browser: ${ensureBrowser()}`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  }
}
