/**
 * Fails on any import cycle among our own modules (worker/, web/, test/): each relative import,
 * type-only ones included (a type cycle still means two files that cannot be understood apart).
 * Small on purpose: a regex over import/export statements and a depth-first search.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const ROOTS = process.argv.slice(2).length ? process.argv.slice(2) : ["worker", "web", "test"];
const EXTS = [".ts", ".tsx", ".mts", ".js", ".mjs"];
const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^"';]*?\sfrom\s+)?["'](\.{1,2}\/[^"']+)["']/g;

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === "node_modules" || name === "dist") return [];
    return statSync(p).isDirectory() ? files(p) : EXTS.some((e) => p.endsWith(e)) && !p.endsWith(".d.ts") ? [p] : [];
  });
}

function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [base, ...EXTS.map((e) => base + e), ...EXTS.map((e) => join(base, "index" + e))];
  // `./x.js` written for a `./x.ts` file
  if (/\.m?js$/.test(base)) candidates.push(base.replace(/\.m?js$/, ".ts"), base.replace(/\.m?js$/, ".tsx"));
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

const graph = new Map();
for (const root of ROOTS) {
  if (!existsSync(root)) continue;
  for (const f of files(root)) {
    const abs = resolve(f);
    const deps = [...readFileSync(f, "utf8").matchAll(IMPORT)].map((m) => resolveImport(abs, m[1])).filter(Boolean);
    graph.set(abs, [...new Set(deps)]);
  }
}

const cycles = [];
const state = new Map(); // 1 = on the stack, 2 = done
const stack = [];
function visit(node) {
  state.set(node, 1);
  stack.push(node);
  for (const dep of graph.get(node) ?? []) {
    if (state.get(dep) === 1) cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
    else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(node, 2);
}
for (const node of graph.keys()) if (!state.has(node)) visit(node);

const rel = (p) => relative(process.cwd(), p);
if (cycles.length) {
  console.error(`${cycles.length} import cycle(s):`);
  for (const c of cycles) console.error("  " + c.map(rel).join(" → "));
  process.exit(1);
}
console.log(`No import cycles among ${graph.size} modules.`);
