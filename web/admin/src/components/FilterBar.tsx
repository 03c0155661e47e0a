/** Period, interval, survey, segment and manager filters, written to the URL query. */
import { api } from "../endpoints";
import { useAsync } from "../data";
import { INTERVALS, PERIODS, apiFilters, type Filters } from "../filters";
import { t } from "../i18n";
import { setQuery, qsOf } from "../router";
import { useSession } from "../session";
import { pickSurvey, rememberSurvey, type SurveyLite } from "../surveys";
import { personLabel } from "../types";

interface Props {
  filters: Filters;
  surveys: SurveyLite[];
  /** Hide the interval select (pages without trends). */
  noInterval?: boolean;
  /** Offer "by wave" too, showing this grouping when the URL names none (the overview). */
  grouping?: string;
  /** Show the CSV export link for the current filters. */
  exportCsv?: boolean;
  /** Filters of the page's own (category, status, owner…) that the export must follow too. */
  exportQuery?: Record<string, string | undefined>;
}

export function FilterBar({ filters: f, surveys, noInterval, grouping, exportCsv, exportQuery }: Props) {
  const session = useSession();
  const isManager = session.status === "signed-in" && session.user.role === "manager";
  const users = useAsync(() => (isManager ? Promise.resolve([]) : api.people().then((r) => r.data)), [isManager]);
  const managers = users.state === "ok" ? users.data.filter((u) => u.role === "manager" || u.role === "admin") : [];
  const survey = pickSurvey(surveys, f)?.id;
  // The segment filter is an exact match, so it offers the known segments of the caller's accounts.
  const segments = useAsync(() => api.segments().then((r) => r.data.map((s) => s.value)), []);
  const csv = "/api/v1/export/responses.csv" + qsOf({ surveyId: survey, ...apiFilters(f), ...exportQuery });

  return (
    <form class="filters" role="search" aria-label={t("filters.label")} onSubmit={(e) => e.preventDefault()}>
      <div class="field">
        <label for="f-survey">{t("filters.survey")}</label>
        <select
          id="f-survey"
          value={survey ?? ""}
          onChange={(e) => (rememberSurvey(e.currentTarget.value), setQuery({ survey: e.currentTarget.value }, { push: true }))}
        >
          {surveys.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.kind.toUpperCase()})
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="f-period">{t("filters.period")}</label>
        <select id="f-period" value={f.period} onChange={(e) => setQuery({ period: e.currentTarget.value }, { push: true })}>
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {t(("period." + p) as "period.12m")}
            </option>
          ))}
        </select>
      </div>
      {f.period === "custom" && (
        <>
          <div class="field">
            <label for="f-from">{t("filters.from")}</label>
            <input id="f-from" type="date" value={f.from ?? ""} onChange={(e) => setQuery({ from: e.currentTarget.value }, { push: true })} />
          </div>
          <div class="field">
            <label for="f-to">{t("filters.to")}</label>
            <input id="f-to" type="date" value={f.to ?? ""} onChange={(e) => setQuery({ to: e.currentTarget.value }, { push: true })} />
          </div>
        </>
      )}
      {!noInterval && (
        <div class="field">
          <label for="f-interval">{t("filters.interval")}</label>
          <select
            id="f-interval"
            value={grouping !== undefined ? (f.grouping ?? grouping) : f.interval}
            onChange={(e) => setQuery({ interval: e.currentTarget.value }, { push: true })}
          >
            {(grouping !== undefined ? (["wave", ...INTERVALS] as const) : INTERVALS).map((i) => (
              <option key={i} value={i}>
                {t(("interval." + i) as "interval.month")}
              </option>
            ))}
          </select>
        </div>
      )}
      <div class="field">
        <label for="f-segment">{t("filters.segment")}</label>
        <select id="f-segment" value={f.segment ?? ""} onChange={(e) => setQuery({ segment: e.currentTarget.value }, { push: true })}>
          <option value="">{t("filters.all")}</option>
          {/* A segment in the URL that no account has (an old link) stays selectable, so the page shows what it filters by. */}
          {f.segment && segments.state === "ok" && !segments.data.includes(f.segment) && <option value={f.segment}>{f.segment}</option>}
          {segments.state === "ok" &&
            segments.data.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
        </select>
      </div>
      {!isManager && (
        <div class="field">
          <label for="f-manager">{t("filters.manager")}</label>
          {users.state === "ok" ? (
            <select id="f-manager" value={f.manager ?? ""} onChange={(e) => setQuery({ manager: e.currentTarget.value }, { push: true })}>
              <option value="">{t("filters.all")}</option>
              {managers.map((u) => (
                <option key={u.id} value={u.id}>
                  {personLabel(u)}
                </option>
              ))}
            </select>
          ) : (
            <input
              id="f-manager"
              type="search"
              placeholder={t("filters.managerId")}
              value={f.manager ?? ""}
              maxLength={200}
              onChange={(e) => setQuery({ manager: e.currentTarget.value.trim() }, { push: true })}
            />
          )}
        </div>
      )}
      {exportCsv && survey && (
        <>
          <a class="btn secondary export" href={csv} download>
            <span aria-hidden="true">⤓ </span>
            {t("filters.export")}
          </a>
          {/* Excel reads a CSV without a byte-order mark as Windows-1252, garbling accents. */}
          <a class="btn secondary export" href={csv + (csv.includes("?") ? "&" : "?") + "bom=1"} download>
            {t("filters.exportExcel")}
          </a>
        </>
      )}
    </form>
  );
}
