/** Survey list: kind, status, and a link to edit each (create for admins). */
import { SortableTh, useSort } from "../components/SortableTh";
import { Badge, Card, Empty, ErrorBox, Link, PageHead, Spinner } from "../components/ui";
import { fmtDate } from "../format";
import { getLocale, t } from "../i18n";
import { can, useSession } from "../session";
import { sortRows, type SortValue } from "../sort";
import { type listSurveys, useSurveys } from "../surveys";

type Survey = Awaited<ReturnType<typeof listSurveys>>[number];
const FIELDS = ["name", "kind", "status", "resurveyDays", "samplingPercent", "createdAt"] as const;
const value = (s: Survey, field: string): SortValue =>
  field === "createdAt"
    ? new Date(s.createdAt)
    : field === "status"
      ? t(("status." + s.status) as "status.active")
      : s[field as "name" | "kind" | "resurveyDays" | "samplingPercent"];

export function Surveys() {
  const surveys = useSurveys();
  const session = useSession();
  const admin = can(session, "admin");
  const { sort, onSort } = useSort("sort", FIELDS);
  const th = (field: (typeof FIELDS)[number], label: string) => <SortableTh label={label} field={field} sort={sort} onSort={onSort} />;
  return (
    <>
      <PageHead
        title={t("surveys.title")}
        sub={t("surveys.sub")}
        actions={
          admin && (
            <Link class="btn primary" href="/surveys/new">
              + {t("surveys.create")}
            </Link>
          )
        }
      />
      <Card>
        {surveys.state === "loading" ? (
          <Spinner />
        ) : surveys.state === "error" ? (
          <ErrorBox error={surveys.error} />
        ) : surveys.data.length === 0 ? (
          <Empty>{t("surveys.none")}</Empty>
        ) : (
          <div class="table-wrap">
            <table class="table">
              <thead>
                <tr>
                  {th("name", t("surveys.name"))}
                  {th("kind", t("surveys.kind"))}
                  {th("status", t("surveys.status"))}
                  {th("resurveyDays", t("surveys.interval"))}
                  {th("samplingPercent", t("surveys.sampling"))}
                  {th("createdAt", t("surveys.created"))}
                </tr>
              </thead>
              <tbody>
                {sortRows(surveys.data, sort, value, getLocale()).map((s) => (
                  <tr key={s.id}>
                    <td>
                      <Link href={"/surveys/" + encodeURIComponent(s.id)}>{s.name}</Link>
                    </td>
                    <td>
                      <Badge kind="neutral">{s.kind.toUpperCase()}</Badge>
                    </td>
                    <td>
                      <Badge kind={s.status === "active" ? "ok" : "neutral"}>{t(("status." + s.status) as "status.active")}</Badge>
                    </td>
                    <td>{t("surveys.days", { n: s.resurveyDays })}</td>
                    <td>{s.samplingPercent} %</td>
                    <td>{fmtDate(s.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>
    </>
  );
}
