/**
 * The stored form of a password hash, shared by the Worker (worker/auth/password.ts, WebCrypto)
 * and the Node scripts (scripts/password.mjs, node:crypto): `pbkdf2-sha256$<iterations>$<salt
 * base64>$<hash base64>`. No imports, so Node loads this file as it is.
 */

/** The most Cloudflare's production runtime allows (see worker/auth/password.ts). */
export const PBKDF2_ITERATIONS = 100_000;
export const SALT_BYTES = 16;
export const HASH_BYTES = 32;
export const HASH_PREFIX = "pbkdf2-sha256";

export const HASH_FORMAT = /^pbkdf2-sha256\$(\d{1,7})\$([A-Za-z0-9+/=]{4,64})\$([A-Za-z0-9+/=]{4,128})$/;

/** Salt and hash already base64-encoded (each runtime has its own encoder). */
export const formatHash = (iterations: number, saltB64: string, hashB64: string) => `${HASH_PREFIX}$${iterations}$${saltB64}$${hashB64}`;
