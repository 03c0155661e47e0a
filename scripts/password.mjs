// Password hashing in Node, in the format the Worker verifies (worker/auth/password.ts):
// `pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>`.
import { pbkdf2Sync, randomBytes } from "node:crypto";

export const PBKDF2_ITERATIONS = 100_000; // workerd's WebCrypto refuses more

export function hashPasswordNode(password, iterations = PBKDF2_ITERATIONS) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  return `pbkdf2-sha256$${iterations}$${salt.toString("base64")}$${hash.toString("base64")}`;
}
