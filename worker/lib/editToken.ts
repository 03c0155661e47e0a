/**
 * Edit tokens: only the respondent who created an answer may complete or change it.
 *
 * Response ids are not secrets (viewers, managers, exports and webhook receivers see them), so an
 * id alone must not let anyone rewrite an answer. The creator holds a token instead: the widget
 * and the link page mint one beside the id and send it with every state of the answer (so a retry
 * whose reply was lost still carries it); an API caller that sends none gets one back at
 * creation. D1 keeps a SHA-256 prefix of it, never the token. A token opens its answer for
 * EDIT_WINDOW_MS after creation, and never once the answer's wave has closed.
 */
import { randomString, sha256Hex } from "./ids";

/** What a client may mint: 22+ characters of base64url (≥ 128 bits when random). */
export const EDIT_TOKEN = /^[A-Za-z0-9_-]{22,64}$/;

/** A week: long enough for the widget's outbox to deliver a comment typed offline. */
export const EDIT_WINDOW_MS = 7 * 24 * 3600 * 1000;

/** 32 base32 characters: 160 bits. */
export const newEditToken = () => randomString(32);

/** 128 bits of SHA-256 are plenty to compare a 160-bit secret, at half the bytes per answer. */
export const editKeyHash = async (token: string) => (await sha256Hex(token)).slice(0, 32);
