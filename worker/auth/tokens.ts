/**
 * Single-use secrets sent by e-mail (invitation and password reset links): 160 random bits,
 * 32 base32 characters. D1 stores only their SHA-256 (a leaked table opens nothing), and the
 * link carries the token in its #fragment, which browsers never send to a server nor put in a
 * Referer, so no log on the way holds it.
 */
import { newSecret, sha256Hex } from "../lib/ids";

/** What `newLinkToken` makes; anything else is refused before any lookup. */
export const LINK_TOKEN = /^[0-9a-z]{32}$/;

export const newLinkToken = () => newSecret();
export const linkTokenHash = (token: string) => sha256Hex(token);

/** The admin page's address for a token: `<base>/admin/<page>#token=<token>`. */
export const adminLink = (base: string, page: "invitation" | "reset-password", token: string) =>
  `${base.replace(/\/+$/, "")}/admin/${page}#token=${token}`;
