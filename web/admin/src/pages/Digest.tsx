/**
 * The monthly review: what an account manager (or, for admins, the workspace) should look at on
 * the first working day of the month. The same figures go out by e-mail (worker/jobs/digest.ts).
 * Printable: the print stylesheet hides the navigation and the controls.
 */
import { useState } from "preact/hooks";
import { api } from "../endpoints";
import { Badge, Card, Empty, ErrorBox, Link, PageHead, ScorePill, Spinner } from "../components/ui";
import { useAsync } from "../data";
import { fmtDate, fmtInt, fmtMoney, fmtRatio, fmtSigned } from "../format";
import { getLocale, t } from "../i18n";
import { shiftMonth } from "../months";
import { setQuery, useRoute } from "../router";
import { useSession } from "../session";

const pct = (v: number | null | undefined) => fmtRatio(v, 1);

const monthName = (ym: string) => {
  const [y, m] = ym.split("-").map(Number) as [number, number];
  return new Intl.DateTimeFormat(getLocale(), { month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(y, m - 1, 1)));
};
/** A calendar date (`YYYY-MM-DD`, no zone) in words, the same day wherever the browser is. */
const dayName = (day: string) => new Intl.DateTimeFormat(getLocale(), { dateStyle: "long", timeZone: "UTC" }).format(new Date(`${day}T00:00:00Z`));

const BINS = [
  ["works", "digest.works", "ok"],
  ["could_do_better", "digest.could", "warn"],
  ["costs_more", "digest.costs", "bad"],
] as const;

export function Digest() {
  const route = useRoute();
  const month = route.query.get("month") ?? "";
  const digest = useAsync(() => api.digest(month ? { month } : {}), [month]);
  const session = useSession();
  const user = session.status === "signed-in" ? session.user : null;
  const [optOut, setOptOut] = useState<boolean | null>(null);
  const optedOut = optOut ?? Boolean((user as { digestOptOut?: boolean } | null)?.digestOptOut);
  const d = digest.data;
  // A select rather than <input type="month">: the browser draws that one in its own language
  // ("October 2026" on a French page), while these names follow the interface's.
  const reviewed = month ? shiftMonth(month, -1) : (d?.period.label ?? "");
  const latest = d ? shiftMonth(d.asOf.slice(0, 7), -1) : reviewed;
  const months = latest ? Array.from({ length: 36 }, (_, i) => shiftMonth(latest, -i)) : [];
  if (reviewed && !months.includes(reviewed)) months.unshift(reviewed);

  return (
    <>
      <PageHead
        title={t("digest.title")}
        sub={d ? t(d.scope === "manager" ? "digest.subManager" : "digest.subWorkspace", { month: monthName(d.period.label) }) : undefined}
        actions={
          <button type="button" class="btn secondary no-print" onClick={() => window.print()}>
            {t("digest.print")}
          </button>
        }
      />
      <form class="filters no-print" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          {/* The review of month M is the edition sent early in M + 1: `?month=` (the API's, and the
              e-mail's link) names the edition, while people pick and read the month reviewed. The
              picker used to show the edition, "November", above "month of 2026-10". */}
          <label for="d-month">{t("digest.month")}</label>
          <select
            id="d-month"
            value={reviewed}
            onChange={(e) => {
              const picked = e.currentTarget.value;
              setQuery({ month: /^\d{4}-\d{2}$/.test(picked) ? shiftMonth(picked, 1) : null });
            }}
          >
            {months.map((m) => (
              <option key={m} value={m}>
                {monthName(m)}
              </option>
            ))}
          </select>
        </div>
        {user && user.role !== "viewer" && (
          <label class="check">
            <input
              type="checkbox"
              checked={!optedOut}
              onChange={(e) => {
                const v = !e.currentTarget.checked;
                void api.patchMe({ digestOptOut: v }).then(() => setOptOut(v));
              }}
            />{" "}
            {t("digest.byEmail")}
          </label>
        )}
      </form>
      {digest.state === "error" ? (
        <ErrorBox error={digest.error} what={t("digest.title")} />
      ) : !d ? (
        <Spinner />
      ) : (
        <div class="digest" data-testid="digest">
          {d.past && (
            // A past month's review is the picture at its end; only the action lists are today's.
            <p class="muted" data-testid="digest-as-of">
              {t("digest.pastNote", { month: monthName(d.period.label), date: dayName(d.listsAsOf) })}
            </p>
          )}
          <Card title={t("digest.nps", { survey: d.survey?.name ?? "—" })}>
            {!d.wave ? (
              <Empty>{t("digest.noWave")}</Empty>
            ) : d.wave.tooFew ? (
              <p data-testid="digest-nps">{t("digest.tooFew", { n: d.wave.n, min: d.smallN, wave: d.wave.period })}</p>
            ) : (
              <p data-testid="digest-nps">
                <strong class="big">{Math.round(d.wave.nps ?? 0)}</strong> {t("digest.wave", { wave: d.wave.period, n: d.wave.n })}
                {d.wave.ci95 && (
                  <span class="muted"> · {t("digest.ci", { low: Math.round(d.wave.ci95.low), high: Math.round(d.wave.ci95.high) })}</span>
                )}
                {d.wave.change && d.wave.previous && (
                  <>
                    {" · "}
                    {t("digest.change", {
                      delta: fmtSigned(d.wave.change.delta),
                      wave: d.wave.previous.period,
                    })}{" "}
                    <Badge kind={d.wave.change.significant ? (d.wave.change.delta > 0 ? "ok" : "bad") : "neutral"}>
                      {t(d.wave.change.significant ? "digest.significant" : "digest.noise")}
                    </Badge>
                  </>
                )}
              </p>
            )}
          </Card>
          <Card title={t("digest.detractors")}>
            <p data-testid="digest-detractors">
              {d.past
                ? t("digest.detractorsLineIn", { n: d.newDetractors.count, silent: d.newDetractors.silent, month: monthName(d.period.label) })
                : t("digest.detractorsLine", { n: d.newDetractors.count, silent: d.newDetractors.silent })}
            </p>
            <ul class="comment-list">
              {d.newDetractors.items.map((i) => (
                <li key={i.responseId} class="comment">
                  <ScorePill score={i.score} category="detractor" />
                  <span>
                    {i.account?.name ?? t("comments.anonymous")} · {fmtDate(i.createdAt)} · {i.comment ?? t("comments.noText")}
                  </span>
                </li>
              ))}
            </ul>
          </Card>
          <Card title={t("digest.followups")}>
            <p data-testid="digest-followups">
              {t("digest.followupsLine", { open: d.followups.open, overdue: d.followups.overdue })}{" "}
              <Link href={"/comments?overdue=1"}>{t("comments.overdueOnly")}</Link>
            </p>
            {d.past && <p class="muted">{t("digest.listAsOf", { date: dayName(d.listsAsOf) })}</p>}
          </Card>
          <Card title={t("digest.atRisk")}>
            {d.past && <p class="muted">{t("digest.listAsOf", { date: dayName(d.listsAsOf) })}</p>}
            {d.atRisk.length === 0 ? (
              <Empty>{t("digest.none")}</Empty>
            ) : (
              <>
                <ul>
                  {d.atRisk.map((a) => (
                    <li key={a.id}>
                      <Link href={"/accounts/" + encodeURIComponent(a.id)}>{a.name}</Link>
                    </li>
                  ))}
                </ul>
                <p data-testid="digest-at-risk-total">
                  {d.atRiskMore
                    ? t("digest.atRiskOfMore", { shown: d.atRisk.length, total: fmtInt(d.atRiskTotal) })
                    : d.atRiskTotal > d.atRisk.length
                      ? t("digest.atRiskOf", { shown: d.atRisk.length, total: d.atRiskTotal })
                      : t("digest.atRiskCount", { total: d.atRiskTotal })}{" "}
                  <Link href="/accounts?status=at_risk">{t("digest.atRiskAll")}</Link>
                </p>
              </>
            )}
          </Card>
          <Card title={t("digest.retention")}>
            {d.retention ? (
              <p>
                {t("digest.retentionLine", {
                  quarter: d.retention.quarter,
                  crr: pct(d.retention.crr),
                  nrr: pct(d.retention.nrr),
                  n: d.retention.startCount,
                })}
              </p>
            ) : (
              <Empty>{t("digest.none")}</Empty>
            )}
          </Card>
          <Card title={t("value.title")}>
            {d.value ? (
              <>
                <p data-testid="digest-at-risk">
                  {t("value.atRisk")}
                  {t("colon")}
                  <strong>{fmtMoney(d.value.mrrAtRisk.detractor.mrr)}</strong> (
                  {t("value.atRiskSub", { n: String(d.value.mrrAtRisk.detractor.n), period: d.value.mrrAtRisk.period ?? "—" })})
                  {d.value.mrrAtRisk.expectedLoss
                    ? " · " + t("value.expectedLoss", { months: "6", loss: fmtMoney(Math.round(d.value.mrrAtRisk.expectedLoss.value)) })
                    : ""}
                </p>
                <p data-testid="digest-worth">
                  {t("value.value")}
                  {t("colon")}
                  {t("cat.promoter")} {d.value.promoter.value === null ? "—" : fmtMoney(Math.round(d.value.promoter.value))} (n = {d.value.promoter.n}
                  ) · {t("cat.detractor")} {d.value.detractor.value === null ? "—" : fmtMoney(Math.round(d.value.detractor.value))} (n ={" "}
                  {d.value.detractor.n})
                </p>
              </>
            ) : (
              <Empty>{t("digest.none")}</Empty>
            )}
          </Card>
          <Card title={t("digest.goals")}>
            <div class="grid3">
              {BINS.map(([bin, key, kind]) => (
                <section key={bin} data-testid={"bin-" + bin}>
                  <h3>
                    <Badge kind={kind}>{t(key)}</Badge>
                  </h3>
                  {d.goals[bin].length === 0 ? (
                    <p class="muted">{t("digest.none")}</p>
                  ) : (
                    <ul>
                      {d.goals[bin].map((g) => (
                        <li key={g.id}>
                          {g.name} <span class="muted small">({t(("reason." + g.reason) as "reason.no_data")})</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </section>
              ))}
            </div>
          </Card>
        </div>
      )}
    </>
  );
}
