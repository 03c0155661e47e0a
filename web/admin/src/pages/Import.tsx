/**
 * CSV import of accounts and contacts (admins): pick a file, watch it upload, read the per-row
 * report. The server reads the file as it streams in, keeps the valid rows and reports the bad
 * ones (docs/IMPORT.md); it also tells a `;`-separated file (French Excel) from a `,` one.
 */
import { useState } from "preact/hooks";
import { uploadFile } from "../api";
import { api } from "../endpoints";
import { SortableTh, useSort } from "../components/SortableTh";
import { Badge, Card, Empty, ErrorBox, Field, PageHead, Spinner } from "../components/ui";
import { useAsync } from "../data";
import { fmtDateTime, fmtInt } from "../format";
import { getLocale, t } from "../i18n";
import { sortRows, type SortValue } from "../sort";

type Job = Awaited<ReturnType<typeof api.imports>>["data"][number] & { separator?: "," | ";" };
type RowError = Job["errors"][number];

const JOB_FIELDS = ["createdAt", "kind", "status", "okRows", "errorRows"] as const;
const jobValue = (j: Job, field: string): SortValue =>
  field === "createdAt"
    ? new Date(j.createdAt)
    : field === "kind"
      ? t(("import." + j.kind) as "import.accounts")
      : field === "status"
        ? t(("import.s_" + j.status) as "import.s_done")
        : j[field as "okRows" | "errorRows"];
const ERROR_FIELDS = ["row", "field", "code", "message"] as const;
const errorValue = (e: RowError, field: string): SortValue => e[field as "row" | "field" | "code" | "message"];

export function ImportPage() {
  const recent = useAsync(() => api.imports(), []);
  const { sort, onSort } = useSort("sort", JOB_FIELDS);
  const [kind, setKind] = useState<"accounts" | "contacts">("accounts");
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function upload(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const file = (form.elements.namedItem("file") as HTMLInputElement).files?.[0];
    if (!file) return;
    setError(null);
    setJob(null);
    setProgress({ sent: 0, total: file.size });
    try {
      const done = await uploadFile<Job>(`/api/v1/imports/${kind}`, file, "text/csv", (sent, total) => setProgress({ sent, total }));
      setJob(done);
      recent.reload();
    } catch (err) {
      setError(err);
    } finally {
      setProgress(null);
    }
  }

  const pct = progress && progress.total > 0 ? Math.round((100 * progress.sent) / progress.total) : 0;
  return (
    <>
      <PageHead title={t("import.title")} sub={t("import.sub")} />
      <div class="stack">
        <Card title={t("import.upload")}>
          <form class="inline-form" onSubmit={upload} aria-label={t("import.upload")}>
            <Field label={t("import.kind")} id="imp-kind">
              <select id="imp-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as "accounts" | "contacts")}>
                <option value="accounts">{t("import.accounts")}</option>
                <option value="contacts">{t("import.contacts")}</option>
              </select>
            </Field>
            <Field label={t("import.file")} id="imp-file" hint={t("import.fileHint")}>
              <input id="imp-file" name="file" type="file" accept=".csv,text/csv" required />
            </Field>
            <button class="btn primary" type="submit" disabled={progress !== null}>
              {t("import.start")}
            </button>
          </form>
          <p class="muted small">{t(kind === "accounts" ? "import.columnsAccounts" : "import.columnsContacts")}</p>
          {progress && (
            <div role="status" data-testid="import-progress">
              <progress max={100} value={pct} aria-label={t("import.progress")} />{" "}
              {pct < 100 ? t("import.sending", { pct: String(pct) }) : t("import.processing")}
            </div>
          )}
          {error !== null && <ErrorBox error={error} />}
          {job && <Report job={job} />}
        </Card>
        <Card title={t("import.recent")}>
          {recent.state === "loading" ? (
            <Spinner />
          ) : recent.state === "error" ? (
            <ErrorBox error={recent.error} />
          ) : recent.data.data.length === 0 ? (
            <Empty>{t("import.none")}</Empty>
          ) : (
            <div class="table-wrap">
              <table class="table compact">
                <thead>
                  <tr>
                    <SortableTh label={t("import.when")} field="createdAt" sort={sort} onSort={onSort} />
                    <SortableTh label={t("import.kind")} field="kind" sort={sort} onSort={onSort} />
                    <SortableTh label={t("import.status")} field="status" sort={sort} onSort={onSort} />
                    <SortableTh label={t("import.ok")} field="okRows" sort={sort} onSort={onSort} class="num" />
                    <SortableTh label={t("import.bad")} field="errorRows" sort={sort} onSort={onSort} class="num" />
                  </tr>
                </thead>
                <tbody>
                  {sortRows(recent.data.data, sort, jobValue, getLocale()).map((j) => (
                    <tr key={j.id}>
                      <td>{fmtDateTime(j.createdAt)}</td>
                      <td>{t(("import." + j.kind) as "import.accounts")}</td>
                      <td>
                        <StatusBadge status={j.status} />
                      </td>
                      <td class="num">{fmtInt(j.okRows)}</td>
                      <td class="num">{fmtInt(j.errorRows)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </>
  );
}

function StatusBadge({ status }: { status: string }) {
  return <Badge kind={status === "done" ? "ok" : status === "failed" ? "bad" : "neutral"}>{t(("import.s_" + status) as "import.s_done")}</Badge>;
}

/** The finished job: counts, the separator found, and every reported row (the first 200). */
function Report({ job }: { job: Job }) {
  // The report holds every refused row the server kept (the first 200): sorting them reorders the
  // whole report, not a page of it.
  const { sort, onSort } = useSort("errors", ERROR_FIELDS);
  return (
    <section class="import-report" data-testid="import-report" aria-label={t("import.report")}>
      <p role="status">
        <StatusBadge status={job.status} />{" "}
        {t("import.summary", { ok: fmtInt(job.okRows), bad: fmtInt(job.errorRows), total: fmtInt(job.processedRows) })}
        {job.separator === ";" && (
          <>
            {" "}
            <Badge kind="neutral">{t("import.semicolon")}</Badge>
          </>
        )}
      </p>
      {job.errors.length > 0 && (
        <div class="table-wrap">
          <table class="table compact" data-testid="import-errors">
            <caption class="sr-only">{t("import.report")}</caption>
            <thead>
              <tr>
                <SortableTh label={t("import.row")} field="row" sort={sort} onSort={onSort} class="num" />
                <SortableTh label={t("import.column")} field="field" sort={sort} onSort={onSort} />
                <SortableTh label={t("import.code")} field="code" sort={sort} onSort={onSort} />
                <SortableTh label={t("import.message")} field="message" sort={sort} onSort={onSort} />
              </tr>
            </thead>
            <tbody>
              {sortRows(job.errors, sort, errorValue, getLocale()).map((e) => (
                <tr key={`${e.row}:${e.field}:${e.code}:${e.message}`}>
                  <td class="num">{e.row}</td>
                  <td>{e.field || "—"}</td>
                  <td>
                    <code>{e.code}</code>
                  </td>
                  <td>{e.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {job.errorRows > job.errors.length && <p class="muted small">{t("import.more", { n: fmtInt(job.errorRows - job.errors.length) })}</p>}
        </div>
      )}
    </section>
  );
}
