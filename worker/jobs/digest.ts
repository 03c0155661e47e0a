/**
 * The monthly review by email: on the first working day of each month (workspace zone), or on a
 * later day of the month if the cron missed it, every active admin and manager with an e-mail who
 * did not opt out gets their review through the email API (the adapter of jobs/deliver.ts).
 * Idempotent: a `digest_sends` row per user and month is claimed (INSERT OR IGNORE … RETURNING)
 * before sending, so a second run, or two overlapping runs, never send a review twice. A refused
 * or failed send is recorded as `failed` and not retried (the page stays available); never twice
 * wins over at least once.
 */
import { escapeHtml as esc } from "../views/escape";
import { and, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { users } from "../db/schema";
import { EDITOR_ROLES } from "../domain/vocabulary";
import type { Db, Env, Principal } from "../env";
import { localDate } from "../metrics/buckets";
import { firstWorkingDayOfMonth } from "../metrics/followups";
import { buildDigest, type Digest } from "../services/digest";
import { sendEmail } from "../lib/emailApi";
import { workspaceTz } from "../lib/timezone";

const TEXT = {
  en: {
    subject: (m: string) => `Your monthly review — ${m}`,
    nps: "NPS of the latest wave",
    tooFew: (n: number, min: number) => `Only ${n} answers: too few to say anything (below ${min}).`,
    change: "change",
    noise: "within noise",
    significant: "significant",
    noWave: "No wave with answers yet.",
    detractors: (n: number, silent: number) => `${n} new detractors last month (${silent} without a comment).`,
    detractorsIn: (n: number, silent: number, month: string) => `${n} new detractors in ${month} (${silent} without a comment).`,
    followups: (open: number, overdue: number) => `${open} open follow-ups, ${overdue} overdue.`,
    atRisk: "Accounts at risk",
    atRiskOf: (shown: number, total: number, more: boolean) => `${shown} of ${more ? "more than " : ""}${total}`,
    asOf: (day: string) => `as of ${day}`,
    none: "none",
    retention: "Retention",
    atRiskMrr: (mrr: string, n: number, loss: string | null) =>
      `MRR at risk: ${mrr} from ${n} detractor accounts${loss ? ` (expected loss within 6 months: ${loss})` : ""}.`,
    worth: (p: string, d: string, months: number) => `Customer value (${months} months of retention): promoter ${p}, detractor ${d}.`,
    works: "Works",
    could: "Could do better",
    costs: "Costs more than it is worth",
    open: "Open the review",
  },
  fr: {
    subject: (m: string) => `Votre revue mensuelle — ${m}`,
    nps: "NPS de la dernière vague",
    tooFew: (n: number, min: number) => `Seulement ${n} réponses : trop peu pour conclure (moins de ${min}).`,
    change: "évolution",
    noise: "dans le bruit",
    significant: "significative",
    noWave: "Pas encore de vague avec des réponses.",
    detractors: (n: number, silent: number) => `${n} nouveaux détracteurs le mois dernier (${silent} sans commentaire).`,
    detractorsIn: (n: number, silent: number, month: string) => `${n} nouveaux détracteurs en ${month} (${silent} sans commentaire).`,
    followups: (open: number, overdue: number) => `${open} suivis ouverts, ${overdue} en retard.`,
    atRisk: "Comptes à risque",
    atRiskOf: (shown: number, total: number, more: boolean) => `${shown} sur ${more ? "plus de " : ""}${total}`,
    asOf: (day: string) => `au ${day}`,
    none: "aucun",
    retention: "Rétention",
    atRiskMrr: (mrr: string, n: number, loss: string | null) =>
      `MRR à risque : ${mrr} de ${n} comptes détracteurs${loss ? ` (perte attendue sous 6 mois : ${loss})` : ""}.`,
    worth: (p: string, d: string, months: number) => `Valeur client (rétention sur ${months} mois) : promoteur ${p}, détracteur ${d}.`,
    works: "Ce qui marche",
    could: "Peut mieux faire",
    costs: "Coûte plus que ça ne rapporte",
    open: "Ouvrir la revue",
  },
} as const;

/** Cents as whole currency units, no symbol: the workspace's currency is not known here. */
const money = (cents: number) => String(Math.round(cents / 100));
const pct = (v: number | null) => (v === null ? "—" : `${Math.round(v * 1000) / 10} %`);

/** The review as an e-mail (text and HTML), in the reader's language. */
export function digestMessage(d: Digest, locale: "en" | "fr", to: { email: string; name: string }, link: string | null, from?: string) {
  const T = TEXT[locale];
  const lines: string[] = [];
  if (d.wave) {
    lines.push(
      `${T.nps} (${d.wave.period}): ` +
        (d.wave.tooFew
          ? T.tooFew(d.wave.n, d.smallN)
          : `${Math.round(d.wave.nps ?? 0)} [${Math.round(d.wave.ci95?.low ?? 0)}; ${Math.round(d.wave.ci95?.high ?? 0)}], n = ${d.wave.n}`),
    );
    if (d.wave.change && !d.wave.tooFew)
      lines.push(
        `${T.change}: ${d.wave.change.delta > 0 ? "+" : ""}${Math.round(d.wave.change.delta * 10) / 10} (${d.wave.change.significant ? T.significant : T.noise})`,
      );
  } else lines.push(T.noWave);
  lines.push(
    d.past
      ? T.detractorsIn(d.newDetractors.count, d.newDetractors.silent, d.period.label)
      : T.detractors(d.newDetractors.count, d.newDetractors.silent),
  );
  // A past month's action lists are today's, not the month's: say so.
  const asOf = d.past ? ` (${T.asOf(d.listsAsOf)})` : "";
  lines.push(T.followups(d.followups.open, d.followups.overdue) + asOf);
  const more = d.atRiskTotal > d.atRisk.length ? ` (${T.atRiskOf(d.atRisk.length, d.atRiskTotal, d.atRiskMore)})` : "";
  lines.push(`${T.atRisk}${asOf}: ${d.atRisk.length ? d.atRisk.map((a) => a.name).join(", ") + more : T.none}`);
  if (d.retention) lines.push(`${T.retention} ${d.retention.quarter}: CRR ${pct(d.retention.crr)}, NRR ${pct(d.retention.nrr)}`);
  if (d.value) {
    const r = d.value.mrrAtRisk;
    lines.push(T.atRiskMrr(money(r.detractor.mrr), r.detractor.n, r.expectedLoss ? money(r.expectedLoss.value) : null));
    if (d.value.promoter.value !== null && d.value.detractor.value !== null)
      lines.push(T.worth(money(d.value.promoter.value), money(d.value.detractor.value), d.value.horizonMonths));
  }
  for (const [bin, title] of [
    ["works", T.works],
    ["could_do_better", T.could],
    ["costs_more", T.costs],
  ] as const) {
    lines.push(`${title}: ${d.goals[bin].length ? d.goals[bin].map((g) => `${g.name} (${g.reason})`).join("; ") : T.none}`);
  }
  if (link) lines.push(`${T.open}: ${link}`);
  return {
    id: `digest-${d.month}-${to.email}`,
    ...(from ? { from } : {}),
    to,
    locale,
    subject: T.subject(d.period.label),
    text: lines.join("\n") + "\n",
    html: lines.map((l) => `<p>${esc(l)}</p>`).join(""),
  };
}

export interface DigestReport {
  due: boolean;
  sent: number;
  failed: number;
  skipped: number;
}

export async function runMonthlyDigests(env: Env, now: number): Promise<DigestReport> {
  const report: DigestReport = { due: false, sent: 0, failed: 0, skipped: 0 };
  const tz = workspaceTz(env);
  const today = localDate(now, tz);
  if (today < firstWorkingDayOfMonth(today)) return report;
  report.due = true;
  if (!env.EMAIL_API_URL) return report; // nothing claimed: the reviews go out once email is configured
  const db: Db = drizzle(env.DB);
  const month = today.slice(0, 7);
  const people = await db
    .select()
    .from(users)
    .where(and(isNull(users.disabledAt), inArray(users.role, EDITOR_ROLES), eq(users.digestOptOut, false), isNotNull(users.email)))
    .all();
  const base = env.PUBLIC_URL?.replace(/\/+$/, "") ?? null;
  for (const u of people) {
    // Claim first: only the run that inserts the row sends.
    const claimed = await db.all<{ user_id: string }>(sql`
      INSERT OR IGNORE INTO digest_sends (user_id, month, status) VALUES (${u.id}, ${month}, 'sending') RETURNING user_id`);
    if (claimed.length === 0) {
      report.skipped++;
      continue;
    }
    let status: "sent" | "failed" = "failed";
    let error: string | null = null;
    try {
      const principal: Principal = { kind: "session", userId: u.id, role: u.role };
      // The cron's own reads: they do not put the review's views on the warm-up list (people's do).
      const digest = await buildDigest(db, principal, { month, timeZone: tz, now, record: false });
      const locale = u.locale === "fr" ? "fr" : "en";
      const message = digestMessage(
        digest,
        locale,
        { email: u.email, name: u.name },
        base ? `${base}/admin/digest?month=${month}` : null,
        env.EMAIL_FROM,
      );
      const outcome = await sendEmail(env, message);
      if (outcome.ok) status = "sent";
      else error = outcome.error;
    } catch (e) {
      error = String(e).slice(0, 200);
    }
    report[status === "sent" ? "sent" : "failed"]++;
    await db.run(sql`UPDATE digest_sends SET status = ${status}, error = ${error}, sent_at = ${status === "sent" ? now : null}
      WHERE user_id = ${u.id} AND month = ${month}`);
  }
  return report;
}
