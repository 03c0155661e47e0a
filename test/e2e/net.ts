import { createServer } from "node:net";

/** Whether `port` can be bound on 127.0.0.1 right now (0: any port; resolves the port bound). */
function tryPort(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", () => resolve(null));
    srv.listen(port, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : null));
    });
  });
}

const handedOut = new Set<number>();

/**
 * A free TCP port on 127.0.0.1. On a shared machine, `E2E_PORTS=8820-8829` keeps every server
 * the browser tests start (and its inspector) inside the range one was given; a port handed out
 * once is not handed out again by this process, as it may not be bound yet.
 */
export async function freePort(): Promise<number> {
  const range = /^(\d+)-(\d+)$/.exec(process.env.E2E_PORTS ?? "");
  if (!range) {
    const port = await tryPort(0);
    if (port === null) throw new Error("no port");
    return port;
  }
  for (let p = Number(range[1]); p <= Number(range[2]); p++) {
    if (handedOut.has(p)) continue;
    if ((await tryPort(p)) !== null) {
      handedOut.add(p);
      return p;
    }
  }
  throw new Error(`no free port in E2E_PORTS=${process.env.E2E_PORTS}`);
}

export async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      last = res.status;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms (last: ${String(last)})`);
}
