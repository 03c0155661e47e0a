/**
 * Response rate of a wave (METRICS.md): contacts who gave a score ÷ invitations delivered,
 * bounced ones excluded. Pure: the SQL only counts invitations by (status, responded).
 *
 * Choices (docs/WAVES.md):
 * - delivered = invitations sent without a bounce, plus pending or failed ones whose contact
 *   answered anyway (an answer proves the invitation arrived, e.g. through a mailing tool fed by
 *   the CSV export before anyone marked the wave as sent);
 * - a bounced invitation is out of both counts, even if its contact answered elsewhere, so the
 *   rate can never exceed 100 %;
 * - no delivered invitation: the rate is null, not 0.
 */
import type { INVITATION_STATUSES } from "../db/schema";

export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export interface InvitationTally {
  status: InvitationStatus;
  responded: boolean;
  n: number;
}

export interface WaveRate {
  invited: number;
  delivered: number;
  bounced: number;
  responded: number;
  responseRate: number | null;
}

export function waveResponseRate(tallies: InvitationTally[]): WaveRate {
  let invited = 0;
  let delivered = 0;
  let bounced = 0;
  let responded = 0;
  for (const t of tallies) {
    invited += t.n;
    if (t.status === "bounced") {
      bounced += t.n;
      continue;
    }
    if (t.status === "sent" || t.responded) delivered += t.n;
    if (t.responded) responded += t.n;
  }
  return { invited, delivered, bounced, responded, responseRate: delivered === 0 ? null : responded / delivered };
}
