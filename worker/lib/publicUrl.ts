/**
 * Which URLs the Worker may send deliveries to (webhooks, Slack alerts): public HTTPS hosts only.
 *
 * A webhook or Slack URL is chosen by a caller (an admin, or a manager for their own Slack
 * alerts), and the Worker then connects to it: without this rule that is a way to make the
 * server reach addresses the caller cannot (cloud metadata at 169.254.169.254, loopback, the
 * private network). Refused: literal IPs in non-public ranges, in any spelling (the WHATWG URL
 * parser turns `2130706433`, `0x7f.1` or `017700000001` into `127.0.0.1`, and `[::ffff:127.0.0.1]`
 * into `[::ffff:7f00:1]`, before we look), and names that only mean something locally.
 * Checked when a URL is accepted and again before every delivery. Pure: no I/O, unit-tested in
 * test/unit/publicUrl.test.ts. (A public name that resolves to a private address is not caught
 * here: the Worker cannot resolve names itself; Cloudflare's egress does not reach private
 * networks.)
 */

export interface DeliveryPolicy {
  /**
   * Local development and tests only: also accept plain `http://` to 127.0.0.1, localhost or
   * [::1], where a stub receiver listens. Set by ALLOW_LOCAL_DELIVERY_URLS="true".
   */
  allowLocalHttp?: boolean;
}

const LOCAL_HTTP_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** IPv4 ranges that are not the public Internet (RFC 6890 and friends), as [first octets, prefix]. */
const V4_BLOCKED: [number, number, number, number, number][] = [
  [0, 0, 0, 0, 8], // "this network"
  [10, 0, 0, 0, 8], // private
  [100, 64, 0, 0, 10], // carrier-grade NAT
  [127, 0, 0, 0, 8], // loopback
  [169, 254, 0, 0, 16], // link-local (cloud metadata)
  [172, 16, 0, 0, 12], // private
  [192, 0, 0, 0, 24], // IETF protocol assignments
  [192, 0, 2, 0, 24], // documentation (TEST-NET-1)
  [192, 88, 99, 0, 24], // 6to4 relay anycast
  [192, 168, 0, 0, 16], // private
  [198, 18, 0, 0, 15], // benchmarking
  [198, 51, 100, 0, 24], // documentation (TEST-NET-2)
  [203, 0, 113, 0, 24], // documentation (TEST-NET-3)
  [224, 0, 0, 0, 4], // multicast
  [240, 0, 0, 0, 4], // reserved, and 255.255.255.255 broadcast
];

const v4Number = (o: number[]) => ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;

/** True when the four octets are outside the public IPv4 space. */
export function isNonPublicV4(octets: number[]): boolean {
  const ip = v4Number(octets);
  return V4_BLOCKED.some(([a, b, c, d, bits]) => {
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (ip & mask) >>> 0 === (v4Number([a, b, c, d]) & mask) >>> 0;
  });
}

function parseV4(s: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const o = m.slice(1).map(Number);
  return o.every((n) => n <= 255) ? o : null;
}

/** Eight 16-bit groups of an IPv6 address (brackets off), or null if it is not one. */
function parseV6(s: string): number[] | null {
  let tail: number[] = [];
  const dotted = /^(.*:)(\d{1,3}(?:\.\d{1,3}){3})$/.exec(s);
  if (dotted) {
    const v4 = parseV4(dotted[2]!);
    if (!v4) return null;
    s = `${dotted[1]}0:0`;
    tail = [(v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!];
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const part = (h: string) => (h === "" ? [] : h.split(":"));
  const head = part(halves[0]!);
  const rest = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const out = groups.map((g) => parseInt(g, 16));
  if (tail.length) out.splice(6, 2, ...tail);
  return out;
}

const embeddedV4 = (g: number[], at: number) => [g[at]! >> 8, g[at]! & 255, g[at + 1]! >> 8, g[at + 1]! & 255];

/** True when an IPv6 address (eight groups) is not a public unicast address. */
export function isNonPublicV6(g: number[]): boolean {
  const [a, b] = [g[0]!, g[1]!];
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 6)) return true; // ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d
  if (zeros(0, 5) && g[5] === 0xffff) return true; // IPv4-mapped ::ffff:a.b.c.d (any v4)
  if (a === 0x64 && b === 0xff9b && zeros(2, 6)) return isNonPublicV4(embeddedV4(g, 6)); // NAT64
  if (a === 0x64 && b === 0xff9b && g[2] === 1) return true; // local-use NAT64 64:ff9b:1::/48
  if (a === 0x2002) return isNonPublicV4(embeddedV4(g, 1)); // 6to4 carries a v4 address
  if (a === 0x100 && zeros(1, 4)) return true; // discard-only 100::/64
  if (a === 0x2001 && b === 0xdb8) return true; // documentation
  if ((a & 0xfe00) === 0xfc00) return true; // unique local fc00::/7
  if ((a & 0xffc0) === 0xfe80 || (a & 0xffc0) === 0xfec0) return true; // link-local, old site-local
  if ((a & 0xff00) === 0xff00) return true; // multicast
  return false;
}

/** Names that only mean something on the local machine or network. */
function isLocalName(host: string): boolean {
  const h = host.replace(/\.$/, "");
  if (!h.includes(".")) return true; // single label: resolved by search domains, never public
  return ["localhost", "local", "internal", "localdomain", "home.arpa"].some((s) => h === s || h.endsWith(`.${s}`));
}

/**
 * Why `raw` may not receive deliveries, as a short message for the caller; null when it may.
 */
export function deliveryUrlProblem(raw: string, policy: DeliveryPolicy = {}): string | null {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "must be a valid URL";
  }
  if (u.username || u.password) return "must not contain a user name or password";
  if (u.protocol === "http:" && policy.allowLocalHttp && LOCAL_HTTP_HOSTS.has(u.hostname)) return null;
  if (u.protocol !== "https:") return "must be an https:// URL";
  const host = u.hostname.toLowerCase();
  if (host.startsWith("[")) {
    const g = parseV6(host.slice(1, -1));
    return !g || isNonPublicV6(g) ? "must not point to a private, local or reserved address" : null;
  }
  const v4 = parseV4(host);
  if (v4) return isNonPublicV4(v4) ? "must not point to a private, local or reserved address" : null;
  if (isLocalName(host)) return "must be a public host name (not a local or single-label name)";
  return null;
}

/** Where a URL points (scheme and host), for audit records: the path of a Slack URL is its secret. */
export function urlOrigin(raw: string | null | undefined): string | null {
  if (!raw) return null;
  try {
    return new URL(raw).origin;
  } catch {
    return null;
  }
}
