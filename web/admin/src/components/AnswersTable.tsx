/**
 * One person's or one account's answers as a sortable table (the account page and the contact
 * page): score, comment, survey, date. Every answer is on the page (the account and export
 * routes return them whole), so sorting them here reorders all of them, not a page.
 */
import { SCORE_RANGE, type SurveyKind } from "../../../../worker/domain/categories";
import { getLocale, t } from "../i18n";
import { fmtDateTime } from "../format";
import { sortRows, type SortValue } from "../sort";
import { SortableTh, useSort } from "./SortableTh";
import { ScorePill } from "./ui";

export interface AnswerRow {
  id: string;
  score: number | null;
  comment: string | null;
  createdAt: string | null;
  surveyId: string;
}

const FIELDS = ["score", "comment", "survey", "createdAt"] as const;
const NEWEST_FIRST = { field: "createdAt", dir: "desc" } as const;

export function AnswersTable({
  rows,
  surveyOf,
  testId,
}: {
  rows: AnswerRow[];
  /** The survey's name and kind (a CSAT or CES score wears no NPS colour). */
  surveyOf: (id: string) => { name: string; kind: string } | undefined;
  testId?: string;
}) {
  const { sort, onSort } = useSort("answers", FIELDS, { fallback: NEWEST_FIRST });
  const value = (r: AnswerRow, field: string): SortValue =>
    field === "createdAt"
      ? r.createdAt
        ? new Date(r.createdAt)
        : null
      : field === "survey"
        ? (surveyOf(r.surveyId)?.name ?? r.surveyId)
        : r[field as "score" | "comment"];
  const th = (field: (typeof FIELDS)[number], label: string, cls?: string) => (
    <SortableTh label={label} field={field} sort={sort} onSort={onSort} class={cls} />
  );
  return (
    <div class="table-wrap">
      <table class="table answers" data-testid={testId}>
        <caption class="sr-only">{t("answers.caption")}</caption>
        <thead>
          <tr>
            {th("score", t("answers.score"), "num")}
            {th("comment", t("answers.comment"))}
            {th("survey", t("answers.survey"))}
            {th("createdAt", t("answers.date"))}
          </tr>
        </thead>
        <tbody>
          {sortRows(rows, sort, value, getLocale()).map((r) => {
            const survey = surveyOf(r.surveyId);
            return (
              <tr key={r.id}>
                <td class="num">
                  <ScorePill score={r.score} category={survey && survey.kind !== "nps" ? "other" : undefined} />
                  {/* A CSAT 2 (of 5) beside an NPS 6 (of 10): the scale says which is worse. */}
                  {survey && survey.kind !== "nps" && <span class="muted small"> / {SCORE_RANGE[survey.kind as SurveyKind]?.[1]}</span>}
                </td>
                {/* Text only: what the respondent typed becomes a text node, never markup. */}
                <td class="comment-text">{r.comment || <span class="muted">{t("comments.noText")}</span>}</td>
                <td>{survey?.name ?? r.surveyId}</td>
                <td class="nowrap">{fmtDateTime(r.createdAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
