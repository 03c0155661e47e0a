// Password hashing in Node, in the format the Worker verifies: the format and its parameters are
// the Worker's own (worker/auth/passwordFormat.ts, loaded as it is: it has no imports).
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { formatHash, HASH_BYTES, PBKDF2_ITERATIONS, SALT_BYTES } from "../worker/auth/passwordFormat.ts";

export { PBKDF2_ITERATIONS };

export function hashPasswordNode(password, iterations = PBKDF2_ITERATIONS) {
  const salt = randomBytes(SALT_BYTES);
  const hash = pbkdf2Sync(password, salt, iterations, HASH_BYTES, "sha256");
  return formatHash(iterations, salt.toString("base64"), hash.toString("base64"));
}
