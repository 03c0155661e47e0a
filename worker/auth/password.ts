/**
 * Password hashing: PBKDF2-SHA256 through WebCrypto with a random 128-bit salt per password.
 *
 * Stored as `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>` so the cost can be raised later
 * without breaking old hashes (verify reads the count from the string; `needsRehash` says when to
 * upgrade at the next successful login).
 *
 * Iterations: 100,000, the most Cloudflare's production runtime allows: it rejects PBKDF2 above
 * 100,000 iterations (workerd's checkPbkdfLimits; cloudflare/workerd#1346). The local workerd used
 * by `wrangler dev` and the tests accepts more, so a higher count would work locally and break
 * every login once deployed. OWASP asks for 600,000 for PBKDF2-SHA256; we cannot get there inside
 * a Worker, so login is also rate-limited per e-mail and per IP (worker/auth/rateLimit.ts) and the
 * hashes never leave the database. scripts/admin-create.mjs computes the same format in Node.
 */
import { timingSafeEqual } from "../lib/ids";
import { formatHash, HASH_BYTES, HASH_FORMAT as FORMAT, HASH_PREFIX, PBKDF2_ITERATIONS, SALT_BYTES } from "./passwordFormat";

export { PBKDF2_ITERATIONS } from "./passwordFormat";

const b64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const unb64 = (s: string) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, HASH_BYTES * 8);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  return formatHash(iterations, b64(salt), b64(await derive(password, salt, iterations)));
}

/** True when `password` matches `stored`. A malformed or missing hash never matches. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const m = stored ? FORMAT.exec(stored) : null;
  if (!m) {
    // Same work as a real check, so "no password set" cannot be told apart by timing.
    await derive(password, new Uint8Array(SALT_BYTES), PBKDF2_ITERATIONS);
    return false;
  }
  const iterations = Number(m[1]);
  if (iterations < 1 || iterations > PBKDF2_ITERATIONS) return false;
  let salt: Uint8Array;
  let expected: Uint8Array;
  try {
    salt = unb64(m[2]!);
    expected = unb64(m[3]!);
  } catch {
    return false;
  }
  const actual = await derive(password, salt, iterations);
  // Compare as base64 strings in constant time (lengths are public: always HASH_BYTES).
  return expected.length === actual.length && timingSafeEqual(b64(actual), b64(expected));
}

/** Spends the time of one verification, for logins with an unknown e-mail (no user enumeration). */
export async function burnVerification(password: string): Promise<void> {
  await derive(password, new Uint8Array(SALT_BYTES), PBKDF2_ITERATIONS);
}

export const needsRehash = (stored: string) => !stored.startsWith(`${HASH_PREFIX}$${PBKDF2_ITERATIONS}$`);

/** A readable one-time password: 20 characters from 31 unambiguous ones (~99 bits), in groups of five. */
export function oneTimePassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"; // no 0/o, 1/l/i
  const bytes = crypto.getRandomValues(new Uint8Array(20));
  let out = "";
  for (let i = 0; i < bytes.length; i++) {
    if (i > 0 && i % 5 === 0) out += "-";
    out += alphabet[bytes[i]! % alphabet.length];
  }
  return out;
}
