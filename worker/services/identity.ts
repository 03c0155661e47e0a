/**
 * Who a public caller says they are, and how much of it we believe.
 *
 * A survey that requires verification (or any request that carries a `signature`) must show
 * HMAC-SHA256(subject, survey.signingSecret), computed by the client's own server
 * (docs/WIDGET.md). Two subjects are accepted:
 * - the full claim, `id + "\n" + email + "\n" + account` (absent fields as empty strings): every
 *   field is then trusted;
 * - the short form, the contact's id alone (or the email when there is no id), as before: then
 *   only that field identifies the person. The email and account sent beside it are dropped,
 *   because nothing proves them: trusting them let a signed id carry a victim's email and file an
 *   answer under the victim's contact.
 * Without verification the claim is the caller's own word (a survey that does not require
 * signatures trusts its host page), but it never chooses an account: an unsigned `account` could
 * file answers under another manager's client and move its NPS.
 */
import type { surveys } from "../db/schema";
import { ApiError } from "../lib/errors";
import { hmacSha256Hex } from "../lib/hmac";
import { timingSafeEqual } from "../lib/ids";
import type { ContactRef } from "./contacts";

type Survey = typeof surveys.$inferSelect;

/** The short subject: your id for the person, or the email when there is no id. */
export const signatureSubject = (ref: { id?: string; email?: string }) => ref.id ?? ref.email ?? "";

/** The full subject, covering every field that identifies the person or places them in an account. */
export const fullSignatureSubject = (ref: ContactRef) => [ref.id ?? "", ref.email ?? "", ref.account ?? ""].join("\n");

async function signs(survey: Survey, subject: string, signature: string): Promise<boolean> {
  const expected = await hmacSha256Hex(survey.signingSecret, subject);
  return timingSafeEqual(signature.toLowerCase(), expected);
}

/**
 * The part of `ref` we may act on: all of it when fully signed, only the signed id (or email)
 * when short-signed, the id, email and name when unsigned on a survey that allows that.
 * Throws 403 `invalid_signature` when a signature is required or given and does not match.
 */
export async function trustedContact(survey: Survey, ref: ContactRef, signature: string | undefined): Promise<ContactRef> {
  const name = ref.name;
  if (signature === undefined) {
    if (!survey.requireSignature) return { id: ref.id, email: ref.email, name };
    throw new ApiError(403, "invalid_signature", "Identity signature missing or wrong", "signature");
  }
  if (await signs(survey, fullSignatureSubject(ref), signature)) return { ...ref };
  if (await signs(survey, signatureSubject(ref), signature)) {
    return ref.id !== undefined ? { id: ref.id, name } : { email: ref.email, name };
  }
  throw new ApiError(403, "invalid_signature", "Identity signature missing or wrong", "signature");
}
