// Writes one section of docs/BENCHMARKS.md, between `<!-- name:start -->` and `<!-- name:end -->`.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";

const FILE = "docs/BENCHMARKS.md";

export function machine() {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function writeSection(name, markdown) {
  let doc = existsSync(FILE) ? readFileSync(FILE, "utf8") : "# Benchmarks\n";
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const i = doc.indexOf(start);
  const j = doc.indexOf(end);
  doc = i >= 0 && j > i ? doc.slice(0, i) + block + doc.slice(j + end.length) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, doc);
}
