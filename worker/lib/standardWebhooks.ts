/**
 * Standard Webhooks (standardwebhooks.com) signing: the default for new endpoints.
 *   webhook-id:        the delivery id (the same on every retry: receivers de-duplicate on it)
 *   webhook-timestamp: unix seconds of this attempt
 *   webhook-signature: v1,<base64 HMAC-SHA256(key, id + "." + timestamp + "." + body)>
 * where key is the base64-decoded part of the `whsec_…` secret. Any Standard Webhooks verifier
 * (the `standardwebhooks` packages for Node, Python, Go…) checks it; docs/SECURITY.md shows how.
 */

/** `whsec_` + base64 of 24 random bytes, as the Standard Webhooks libraries expect. */
export function newStandardSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

function secretKey(secret: string): Uint8Array {
  const b64 = secret.startsWith("whsec_") ? secret.slice(6) : secret;
  const bin = atob(b64);
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

export async function standardSignature(secret: string, id: string, unixSeconds: number, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", secretKey(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${unixSeconds}.${body}`));
  return `v1,${btoa(String.fromCharCode(...new Uint8Array(mac)))}`;
}

export async function standardHeaders(secret: string, id: string, unixSeconds: number, body: string): Promise<Record<string, string>> {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(unixSeconds),
    "webhook-signature": await standardSignature(secret, id, unixSeconds, body),
  };
}
