/**
 * The audit trail (`audit_log`) of security-relevant admin actions: who changed a role, disabled
 * someone, reset a password, issued or revoked a key, pointed a webhook somewhere. Never secrets.
 */
import { auditLog } from "../db/schema";
import type { Db, Principal } from "../env";
import { newId } from "../lib/ids";

/** `user:<id>`, `api_key` (unattached key) or `bootstrap`: who did it. */
export const actorOf = (p: Principal) => (p.userId ? `user:${p.userId}` : p.kind);

export async function audit(db: Db, p: Principal, action: string, target: string, details?: Record<string, unknown>): Promise<void> {
  await db.insert(auditLog).values({ id: newId("aud"), actor: actorOf(p), action, target, details: details ?? null });
}
