/**
 * Identity verification: when a survey requires it, whoever claims to be contact X must show
 * HMAC-SHA256(X, survey.signingSecret), computed by the client's server (docs/WIDGET.md). The
 * subject is the contact's id in the client's own terms, or the email when there is no id.
 */
import type { surveys } from "../db/schema";
import { ApiError } from "../lib/errors";
import { hmacSha256Hex } from "../lib/hmac";
import { timingSafeEqual } from "../lib/ids";

type Survey = typeof surveys.$inferSelect;

export const signatureSubject = (ref: { id?: string; email?: string }) => ref.id ?? ref.email ?? "";

/** Throws 403 `invalid_signature` unless the signature is required-and-right or absent-and-optional. */
export async function verifyIdentity(
  survey: Survey,
  ref: { id?: string; email?: string },
  signature: string | undefined,
): Promise<void> {
  if (!survey.requireSignature && signature === undefined) return;
  const expected = await hmacSha256Hex(survey.signingSecret, signatureSubject(ref));
  if (!signature || !timingSafeEqual(signature.toLowerCase(), expected)) {
    throw new ApiError(403, "invalid_signature", "Identity signature missing or wrong", "signature");
  }
}
