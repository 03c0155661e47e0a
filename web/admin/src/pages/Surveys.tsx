/** Survey list: kind, status, and a link to edit each (create for admins). */
import { Badge, Card, Empty, ErrorBox, Link, PageHead, Spinner } from "../components/ui";
import { fmtDate } from "../format";
import { t } from "../i18n";
import { can, useSession } from "../session";
import { useSurveys } from "../surveys";

export function Surveys() {
  const surveys = useSurveys();
  const session = useSession();
  const admin = can(session, "admin");
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
                  <th scope="col">{t("surveys.name")}</th>
                  <th scope="col">{t("surveys.kind")}</th>
                  <th scope="col">{t("surveys.status")}</th>
                  <th scope="col">{t("surveys.interval")}</th>
                  <th scope="col">{t("surveys.sampling")}</th>
                  <th scope="col">{t("surveys.created")}</th>
                </tr>
              </thead>
              <tbody>
                {surveys.data.map((s) => (
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
