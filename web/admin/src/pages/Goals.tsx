/** KPI goals ("NPS ≥ 40 by June") with their status: on track / could do better / off track. */
import { useState } from "preact/hooks";
import { Unavailable } from "../api";
import { api } from "../endpoints";
import { SortableTh, useSort } from "../components/SortableTh";
import { Badge, Card, Empty, ErrorBox, Field, NotAvailable, PageHead, Spinner } from "../components/ui";
import { useAsync } from "../data";
import { fmt1, fmtDate } from "../format";
import { getLocale, t } from "../i18n";
import { sortRows, type SortValue } from "../sort";
import { can, useSession } from "../session";
import { useSurveys } from "../surveys";
import type { SurveyLite } from "../surveys";

const METRICS = ["nps", "csat", "ces", "response_rate", "crr", "nrr"] as const;
type Goal = Awaited<ReturnType<typeof api.goals>>["data"][number];

/** Goals sort by name, deadline, or status from on track to off track (not by the word's spelling). */
const GOAL_FIELDS = ["name", "deadline", "status"] as const;
const STATUS_RANK = { on_track: 0, could_do_better: 1, off_track: 2 } as const;
const goalValue = (g: Goal, field: string): SortValue =>
  field === "deadline" ? g.deadline : field === "status" ? (g.status ? STATUS_RANK[g.status] : null) : g.name;
const STATUS_KIND = { on_track: "ok", could_do_better: "warn", off_track: "bad" } as const;
/** Goal units (server side): NPS in points, CES as a mean score, every other metric in percent. */
const isPercent = (m: Goal["metric"]) => m !== "nps" && m !== "ces";
const show = (m: Goal["metric"], v: number | null | undefined) => (v === null || v === undefined ? "—" : fmt1(v) + (isPercent(m) ? " %" : ""));

/** The goal's recent values and its target (dashed), as a small picture beside the figures. */
function Spark({ goal }: { goal: Goal }) {
  const pts = goal.points;
  if (pts.length < 2) return null;
  const values = [...pts.map((p) => p.value), goal.target];
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  const W = 120;
  const H = 36;
  const x = (i: number) => 2 + (i * (W - 4)) / (pts.length - 1);
  const y = (v: number) => H - 3 - ((v - lo) / span) * (H - 6);
  const title = `${t(("metric." + goal.metric) as "metric.nps")}: ${pts.map((p) => `${p.label} ${show(goal.metric, p.value)}`).join(", ")}`;
  return (
    <svg class="spark" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={title}>
      <line x1="0" x2={W} y1={y(goal.target)} y2={y(goal.target)} class="spark-target" />
      <polyline points={pts.map((p, i) => `${x(i)},${y(p.value)}`).join(" ")} class={"spark-line " + (goal.status ?? "")} />
      <circle cx={x(pts.length - 1)} cy={y(pts.at(-1)!.value)} r="3" class={"spark-dot " + (goal.status ?? "")} />
    </svg>
  );
}

export function Goals() {
  const session = useSession();
  const admin = can(session, "admin");
  const goals = useAsync(() => api.goals(), []);
  const surveys = useSurveys();
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<string | null>(null);

  async function create(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    setError(null);
    try {
      await api.createGoal(goalBody(form, false));
      form.reset();
      goals.reload();
    } catch (err) {
      setError(err);
    }
  }

  async function remove(id: string) {
    if (!confirm(t("goals.confirmDelete"))) return;
    try {
      await api.deleteGoal(id);
      goals.reload();
    } catch (err) {
      setError(err);
    }
  }

  const unavailable = goals.state === "error" && goals.error instanceof Unavailable;
  const goalSort = useSort("sort", GOAL_FIELDS);
  return (
    <>
      <PageHead title={t("goals.title")} sub={t("goals.sub")} />
      <div class="grid-2-1">
        <Card title={t("goals.list")}>
          {goals.state === "loading" ? (
            <Spinner />
          ) : goals.state === "error" ? (
            unavailable ? (
              <NotAvailable what={t("nav.goals")} />
            ) : (
              <ErrorBox error={goals.error} />
            )
          ) : goals.data.data.length === 0 ? (
            <Empty>{t("goals.none")}</Empty>
          ) : (
            <>
              {/* The goals are cards with a sparkline each: one header row above them sorts them all. */}
              <table class="table list-head" data-testid="goals-order">
                <caption class="sr-only">{t("goals.order")}</caption>
                <thead>
                  <tr>
                    <SortableTh label={t("goals.name")} field="name" {...goalSort} />
                    <SortableTh label={t("goals.deadline")} field="deadline" {...goalSort} />
                    <SortableTh label={t("goals.status")} field="status" {...goalSort} class="num" />
                  </tr>
                </thead>
              </table>
              <ul class="goal-list">
                {sortRows(goals.data.data, goalSort.sort, goalValue, getLocale()).map((g) =>
                  editing === g.id ? (
                    <li key={g.id} class="goal goal-editing">
                      <GoalForm
                        goal={g}
                        surveys={surveys.state === "ok" ? surveys.data : []}
                        submitLabel={t("save")}
                        onSubmit={async (form) => {
                          await api.patchGoal(g.id, goalBody(form, true));
                          setEditing(null);
                          goals.reload();
                        }}
                        onCancel={() => setEditing(null)}
                      />
                    </li>
                  ) : (
                    <li key={g.id} class="goal">
                      <div class="grow">
                        <strong>{g.name}</strong>
                        <p class="muted small">
                          {t(("metric." + g.metric) as "metric.nps")} ≥ {show(g.metric, g.target)} · {t("goals.by", { date: fmtDate(g.deadline) })}
                          {g.scope
                            ? " · " +
                              Object.entries(g.scope)
                                .map(([k, v]) => `${k}: ${v}`)
                                .join(", ")
                            : ""}
                        </p>
                        <p class="small">{t(("reason." + g.reason) as "reason.no_data")}</p>
                      </div>
                      <Spark goal={g} />
                      <div class="goal-figure" data-testid="goal-now">
                        <span class="muted small">{t("goals.current")}</span>
                        {/* A value from fewer than 20 answers is shown small, with its n, and called what it is. */}
                        {g.tooFew ? <span class="small">{show(g.metric, g.current)}</span> : <strong>{show(g.metric, g.current)}</strong>}
                        {g.currentN !== null && (
                          <span class="muted small" data-testid="goal-n">
                            n = {g.currentN}
                          </span>
                        )}
                        {g.tooFew && <Badge kind="neutral">{t("overview.tooFew")}</Badge>}
                      </div>
                      {g.status ? (
                        <Badge kind={STATUS_KIND[g.status]}>{t(("goals." + g.status) as "goals.on_track")}</Badge>
                      ) : (
                        <Badge kind="neutral">—</Badge>
                      )}
                      {admin && (
                        <>
                          <button type="button" class="btn ghost small" onClick={() => setEditing(g.id)} aria-label={t("edit") + " " + g.name}>
                            {t("edit")}
                          </button>
                          <button type="button" class="btn ghost small" onClick={() => void remove(g.id)} aria-label={t("delete") + " " + g.name}>
                            {t("delete")}
                          </button>
                        </>
                      )}
                    </li>
                  ),
                )}
              </ul>
            </>
          )}
        </Card>
        {admin && !unavailable && (
          <Card title={t("goals.new")}>
            <form class="stack" onSubmit={create}>
              <GoalFields surveys={surveys.state === "ok" ? surveys.data : []} prefix="g" />
              {error !== null && <ErrorBox error={error} />}
              <button class="btn primary" type="submit">
                {t("goals.create")}
              </button>
            </form>
          </Card>
        )}
      </div>
    </>
  );
}

/** The request body from a goal form; an edit sends `scope: null` to clear a segment. */
function goalBody(form: HTMLFormElement, edit: boolean) {
  const d = new FormData(form);
  const metric = String(d.get("metric")) as Goal["metric"];
  const segment = String(d.get("segment") || "").trim();
  return {
    name: String(d.get("name")).trim(),
    metric,
    // Retention goals are measured on accounts, not on a survey.
    surveyId: metric === "crr" || metric === "nrr" ? null : String(d.get("surveyId") || "") || null,
    target: Number(d.get("target")),
    deadline: String(d.get("deadline")),
    ...(segment ? { scope: { segment } } : edit ? { scope: null } : {}),
  };
}

function GoalFields({ goal, surveys, prefix }: { goal?: Goal; surveys: SurveyLite[]; prefix: string }) {
  return (
    <>
      <Field label={t("goals.name")} id={prefix + "-name"}>
        <input id={prefix + "-name"} name="name" required maxLength={200} placeholder={t("goals.namePlaceholder")} defaultValue={goal?.name} />
      </Field>
      <Field label={t("goals.metric")} id={prefix + "-metric"}>
        {/* `selected` on the option: a select has no default-value property in the DOM. */}
        <select id={prefix + "-metric"} name="metric">
          {METRICS.map((m) => (
            <option key={m} value={m} selected={goal?.metric === m}>
              {t(("metric." + m) as "metric.nps")}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("filters.survey")} id={prefix + "-survey"}>
        <select id={prefix + "-survey"} name="surveyId">
          <option value="">—</option>
          {surveys.map((s) => (
            <option key={s.id} value={s.id} selected={goal?.surveyId === s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t("goals.target")} id={prefix + "-target"} hint={t("goals.targetHint")}>
        <input
          id={prefix + "-target"}
          name="target"
          type="number"
          step="any"
          required
          min={-100}
          max={1000}
          defaultValue={goal ? String(goal.target) : undefined}
        />
      </Field>
      <Field label={t("goals.deadline")} id={prefix + "-deadline"}>
        <input id={prefix + "-deadline"} name="deadline" type="date" required defaultValue={goal?.deadline} />
      </Field>
      <Field label={t("filters.segment")} id={prefix + "-segment"}>
        <input id={prefix + "-segment"} name="segment" maxLength={200} defaultValue={goal?.scope?.segment ?? ""} />
      </Field>
    </>
  );
}

/** Edits a goal in place (PATCH /api/v1/goals/:id); errors stay on the form, named by field. */
function GoalForm({
  goal,
  surveys,
  submitLabel,
  onSubmit,
  onCancel,
}: {
  goal: Goal;
  surveys: SurveyLite[];
  submitLabel: string;
  onSubmit: (f: HTMLFormElement) => Promise<void>;
  onCancel: () => void;
}) {
  const [error, setError] = useState<unknown>(null);
  return (
    <form
      class="stack grow"
      aria-label={t("edit") + " " + goal.name}
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          await onSubmit(e.currentTarget as HTMLFormElement);
        } catch (err) {
          setError(err);
        }
      }}
    >
      <GoalFields goal={goal} surveys={surveys} prefix={"e-" + goal.id} />
      {error !== null && <ErrorBox error={error} />}
      <div class="row">
        <button class="btn primary" type="submit">
          {submitLabel}
        </button>
        <button class="btn ghost" type="button" onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}
