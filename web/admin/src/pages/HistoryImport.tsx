/**
 * History import (admins): a file from Delighted, Formbricks, Typeform or a spreadsheet, a column
 * mapping step (read from the file's first line, in the browser), then the server's per-row report.
 * Columns left on "automatic" are recognised by the server from their usual names.
 */
import { useState } from "preact/hooks";
import { apiFetch, unwrap } from "../api";
import { Card, ErrorBox, Field } from "../components/ui";
import { t } from "../i18n";
import { useSurveys } from "../surveys";

const SOURCES = ["delighted", "formbricks", "typeform", "generic"] as const;
const ROLES = ["", "email", "score", "comment", "date", "name", "id", "property", "ignore"] as const;

/** The header of a CSV: the first record (quotes, doubled quotes, commas inside quotes). */
export function csvHeader(text: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") out.push(field.trim()), (field = "");
    else if (ch === "\n" || ch === "\r") break;
    else field += ch;
  }
  out.push(field.trim());
  return out.filter((h, i) => h !== "" || i < out.length - 1);
}

interface Report {
  okRows: number;
  created: number;
  unchanged: number;
  errorRows: number;
  errors: { row: number; field: string; code: string; message: string }[];
}

export function HistoryImport() {
  const surveys = useSurveys();
  const [file, setFile] = useState<File | null>(null);
  const [header, setHeader] = useState<string[]>([]);
  const [roles, setRoles] = useState<Record<string, string>>({});
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const isJson = file?.name.toLowerCase().endsWith(".json") ?? false;

  async function pick(e: Event) {
    const f = (e.currentTarget as HTMLInputElement).files?.[0] ?? null;
    setFile(f);
    setReport(null);
    setRoles({});
    setHeader(f && !f.name.toLowerCase().endsWith(".json") ? csvHeader(await f.slice(0, 64 * 1024).text()) : []);
  }

  async function submit(e: Event) {
    e.preventDefault();
    if (!file) return;
    const d = new FormData(e.currentTarget as HTMLFormElement);
    const columns: Record<string, string> = {};
    for (const h of header) {
      const role = roles[h] ?? "";
      if (role === "property") columns[h] = `property:${h}`;
      else if (role !== "") columns[h] = role;
    }
    const q = new URLSearchParams({ surveyId: String(d.get("surveyId")), source: isJson ? "delighted" : String(d.get("source")) });
    if (Object.keys(columns).length) q.set("columns", JSON.stringify(columns));
    for (const k of ["accountProperty", "segmentProperty"]) if (String(d.get(k) ?? "").trim()) q.set(k, String(d.get(k)).trim());
    setBusy(true);
    setError(null);
    try {
      const res = await apiFetch(`/api/v1/imports/history?${q}`, {
        method: "POST",
        headers: { "content-type": isJson ? "application/json" : "text/csv" },
        body: file,
      });
      setReport((await unwrap(res)) as Report);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const nps = surveys.state === "ok" ? surveys.data.filter((s) => s.status !== "archived") : [];
  return (
    <Card title={t("history.title")}>
      <form class="stack" onSubmit={submit} aria-label={t("history.title")}>
        <p class="muted small">{t("history.help")}</p>
        <Field label={t("history.survey")} id="h-survey">
          <select id="h-survey" name="surveyId" required>
            {nps.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("history.source")} id="h-source">
          <select id="h-source" name="source">
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {t(("history.source." + s) as "history.source.generic")}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t("history.file")} id="h-file">
          <input id="h-file" type="file" accept=".csv,.json,text/csv,application/json" required onChange={(e) => void pick(e)} />
        </Field>
        {header.length > 0 && (
          <table class="table small">
            <caption>{t("history.mapping")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("history.column")}</th>
                <th scope="col">{t("history.holds")}</th>
              </tr>
            </thead>
            <tbody>
              {header.map((h, i) => (
                <tr key={h + i}>
                  <td>
                    <code>{h}</code>
                  </td>
                  <td>
                    <label class="sr-only" for={`h-role-${i}`}>
                      {t("history.holds")} {h}
                    </label>
                    <select id={`h-role-${i}`} value={roles[h] ?? ""} onChange={(e) => setRoles({ ...roles, [h]: e.currentTarget.value })}>
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {t(("history.role." + (r || "auto")) as "history.role.auto")}
                        </option>
                      ))}
                    </select>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div class="grid-2">
          <Field label={t("history.accountProperty")} id="h-account">
            <input id="h-account" name="accountProperty" maxLength={100} />
          </Field>
          <Field label={t("history.segmentProperty")} id="h-segment">
            <input id="h-segment" name="segmentProperty" maxLength={100} />
          </Field>
        </div>
        <button class="btn primary" type="submit" disabled={busy || !file}>
          {t("history.import")}
        </button>
      </form>
      {error !== null && <ErrorBox error={error} />}
      {report && (
        <div role="status" class="stack">
          <p>{t("history.report", { ok: report.okRows, created: report.created, unchanged: report.unchanged, bad: report.errorRows })}</p>
          {report.errors.length > 0 && (
            <ul class="plain-list small">
              {report.errors.map((er) => (
                <li key={`${er.row}-${er.field}`}>
                  {t("history.row", { row: er.row })} · <code>{er.code}</code> · {er.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Card>
  );
}
