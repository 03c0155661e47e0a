/** Accounts: last score, change, MRR, status and "at risk" (detractor or big drop), filterable. */
import { useState } from "preact/hooks";
import { api } from "../endpoints";
import { Badge, Card, Empty, ErrorBox, Link, PageHead, ScorePill, Spinner } from "../components/ui";
import { useAsync } from "../data";
import { fmtDate, fmtMoney, fmtSigned } from "../format";
import { t } from "../i18n";
import { setQuery, useRoute } from "../router";
import { useSession } from "../session";
import { personLabel } from "../types";
import { oneOf } from "../filters";
import { SortableTh, useSort } from "../components/SortableTh";

/** The list's sort keys (the API's `sort`: `name`, `-name` … `-last`); the server sorts and pages. */
const SORT_FIELDS = ["name", "mrr", "score", "change", "last"] as const;
type SortParam = NonNullable<Parameters<typeof api.accounts>[0]["sort"]>;

export function Accounts() {
  const route = useRoute();
  const session = useSession();
  const isManager = session.status === "signed-in" && session.user.role === "manager";
  const q = route.query;
  const filters = {
    q: q.get("q") ?? "",
    segment: q.get("segment") ?? "",
    status: oneOf(["active", "churned", "at_risk"], q.get("status")),
    manager: q.get("manager") ?? "",
    sort: q.get("sort") ?? "",
  };
  const { sort, onSort } = useSort("sort", SORT_FIELDS, { fallback: { field: "name", dir: "asc" } });
  const sortParam = `${sort?.dir === "desc" ? "-" : ""}${sort?.field ?? "name"}` as SortParam;
  const query = { q: filters.q, segment: filters.segment, status: filters.status, manager: filters.manager, sort: sortParam, limit: 50 };
  const users = useAsync(() => (isManager ? Promise.resolve([]) : api.people().then((r) => r.data)), [isManager]);
  const key = JSON.stringify(filters);
  const [more, setMore] = useState<{ key: string; rows: Awaited<ReturnType<typeof api.accounts>>["data"]; next: string | null } | null>(null);
  const first = useAsync(() => api.accounts(query), [key]);
  const extra = more?.key === key ? more : null;
  const rows = first.state === "ok" ? [...first.data.data, ...(extra?.rows ?? [])] : [];
  const next = extra ? extra.next : first.state === "ok" ? first.data.next : null;

  async function loadMore() {
    if (!next) return;
    const page = await api.accounts({ ...query, before: next });
    setMore({ key, rows: [...(extra?.rows ?? []), ...page.data], next: page.next });
  }

  return (
    <>
      <PageHead title={t("accounts.title")} sub={isManager ? t("accounts.subManager") : t("accounts.sub")} />
      <form class="filters" role="search" aria-label={t("filters.label")} onSubmit={(e) => e.preventDefault()}>
        <div class="field grow">
          <label for="a-q">{t("accounts.search")}</label>
          <input id="a-q" type="search" maxLength={200} value={filters.q} onChange={(e) => setQuery({ q: e.currentTarget.value.trim() })} />
        </div>
        <div class="field">
          <label for="a-segment">{t("filters.segment")}</label>
          <input
            id="a-segment"
            type="search"
            maxLength={200}
            value={filters.segment}
            onChange={(e) => setQuery({ segment: e.currentTarget.value.trim() })}
          />
        </div>
        {!isManager && users.state === "ok" && (
          <div class="field">
            <label for="a-manager">{t("filters.manager")}</label>
            <select id="a-manager" value={filters.manager} onChange={(e) => setQuery({ manager: e.currentTarget.value })}>
              <option value="">{t("filters.all")}</option>
              {users.data
                .filter((u) => u.role !== "viewer")
                .map((u) => (
                  <option key={u.id} value={u.id}>
                    {personLabel(u)}
                  </option>
                ))}
            </select>
          </div>
        )}
        <div class="field">
          <label for="a-status">{t("accounts.status")}</label>
          <select id="a-status" value={filters.status ?? ""} onChange={(e) => setQuery({ status: e.currentTarget.value })}>
            <option value="">{t("filters.all")}</option>
            <option value="active">{t("accounts.active")}</option>
            <option value="at_risk">{t("accounts.atRisk")}</option>
            <option value="churned">{t("accounts.churned")}</option>
          </select>
        </div>
      </form>
      <Card>
        {first.state === "loading" ? (
          <Spinner />
        ) : first.state === "error" ? (
          <ErrorBox error={first.error} what={t("nav.accounts")} />
        ) : rows.length === 0 ? (
          <Empty>{t("accounts.none")}</Empty>
        ) : (
          <div class="table-wrap">
            <table class="table" data-testid="accounts-table">
              <thead>
                <tr>
                  <SortableTh label={t("accounts.name")} field="name" sort={sort} onSort={onSort} />
                  <th scope="col">{t("filters.segment")}</th>
                  <SortableTh label={t("accounts.lastScore")} field="score" sort={sort} onSort={onSort} class="num" />
                  <SortableTh label={t("accounts.change")} field="change" sort={sort} onSort={onSort} class="num" />
                  <SortableTh label={t("accounts.mrr")} field="mrr" sort={sort} onSort={onSort} class="num" />
                  <th scope="col">{t("accounts.status")}</th>
                  <SortableTh label={t("accounts.lastAnswer")} field="last" sort={sort} onSort={onSort} />
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <tr key={a.id}>
                    <td>
                      <Link href={"/accounts/" + encodeURIComponent(a.id)}>{a.name}</Link>
                    </td>
                    <td>{a.segment ?? "—"}</td>
                    <td class="num">
                      <ScorePill score={a.lastScore} category={a.lastCategory} />
                    </td>
                    <td class={"num " + (a.change === null ? "" : a.change < 0 ? "down" : a.change > 0 ? "up" : "")}>{fmtSigned(a.change)}</td>
                    <td class="num">{fmtMoney(a.mrrCents)}</td>
                    <td>
                      {a.churnedOn ? (
                        <Badge kind="neutral">{t("accounts.churned")}</Badge>
                      ) : a.atRisk ? (
                        <Badge kind="bad">{t("accounts.atRisk")}</Badge>
                      ) : (
                        <Badge kind="ok">{t("accounts.active")}</Badge>
                      )}
                    </td>
                    <td>{fmtDate(a.lastResponseAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {next && (
              <button type="button" class="btn secondary" onClick={() => void loadMore()}>
                {t("loadMore")}
              </button>
            )}
          </div>
        )}
      </Card>
    </>
  );
}
