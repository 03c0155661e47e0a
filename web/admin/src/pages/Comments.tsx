/**
 * Comments and follow-up: every comment with filters; detractors get a follow-up (owner, status
 * open / contacted / resolved, notes) so the loop gets closed. Comments are rendered as text
 * nodes only: whatever a respondent typed is never interpreted as HTML.
 */
import { useState } from "preact/hooks";
import { api, type User } from "../endpoints";
import { FilterBar } from "../components/FilterBar";
import { SortableTh, useSort } from "../components/SortableTh";
import { Badge, Card, Empty, ErrorBox, Link, PageHead, ScorePill, Spinner } from "../components/ui";
import { useAsync } from "../data";
import { apiFilters, filtersOf, oneOf } from "../filters";
import { fmtDate, fmtDateTime } from "../format";
import { t } from "../i18n";
import { setQuery, useRoute } from "../router";
import { can, useSession } from "../session";
import { pickSurvey, useSurveys } from "../surveys";
import { formatSort } from "../sort";
import { personLabel } from "../types";

type CommentRow = Awaited<ReturnType<typeof api.comments>>["data"][number];

const STATUSES = ["open", "contacted", "resolved"] as const;
const CATEGORIES = ["promoter", "passive", "detractor"] as const;
/**
 * The list is paged by the server, so the server sorts it (`sort` on GET /comments): by answer
 * time, newest or oldest first. Score and due day are not offered (docs/ADMIN.md says why).
 */
const SORTS = ["-createdAt", "createdAt"] as const;
const NEWEST_FIRST = { field: "createdAt", dir: "desc" } as const;

export function Comments() {
  const route = useRoute();
  const f = filtersOf(route);
  const surveys = useSurveys();
  const session = useSession();
  const canEdit = can(session, "admin", "manager");
  const list = surveys.state === "ok" ? surveys.data : [];
  const survey = pickSurvey(list, f);
  const extra = {
    category: oneOf(CATEGORIES, route.query.get("category")),
    status: oneOf(STATUSES, route.query.get("status")),
    owner: route.query.get("owner") ?? "",
    overdue: oneOf(["0", "1"], route.query.get("overdue")),
    q: route.query.get("q") ?? "",
  };
  const { sort, onSort } = useSort("sort", ["createdAt"], { fallback: NEWEST_FIRST });
  const query = { surveyId: survey?.id, ...apiFilters(f), ...extra, sort: oneOf(SORTS, formatSort(sort)), limit: 50 };
  const key = JSON.stringify(query);
  const comments = useAsync(() => (survey ? api.comments(query) : Promise.resolve(null)), [key]);
  // Older pages, fetched on demand with the cursor of the last page (reset when filters change).
  const [more, setMore] = useState<{ key: string; rows: CommentRow[]; next: string | null } | null>(null);
  const extraRows = more?.key === key ? more : null;
  const rows = comments.data ? [...comments.data.data, ...(extraRows?.rows ?? [])] : [];
  const next = extraRows ? extraRows.next : (comments.data?.next ?? null);
  async function loadMore() {
    if (!next) return;
    const page = await api.comments({ ...query, before: next });
    setMore({ key, rows: [...(extraRows?.rows ?? []), ...page.data], next: page.next });
  }
  const users = useAsync(() => (can(session, "admin") ? api.users().then((r) => r.data) : Promise.resolve([])), []);
  // Only people who can act on an item can own it: active admins and managers (the server checks
  // the manager's scope too).
  const people = users.state === "ok" ? users.data.filter((u) => !u.disabledAt && (u.role === "admin" || u.role === "manager")) : [];
  const me = session.status === "signed-in" ? session.user.id : null;
  const summary = useAsync(() => api.followupSummary(), [key]);

  return (
    <>
      <PageHead title={t("comments.title")} sub={t("comments.sub")} />
      {surveys.state === "error" && <ErrorBox error={surveys.error} />}
      {list.length > 0 && <FilterBar filters={f} surveys={list} noInterval exportCsv exportQuery={{ ...extra, queue: "1" }} />}
      {summary.state === "ok" && (
        <p class="muted" role="status" data-testid="followup-summary">
          {t("comments.summary", summary.data)}
        </p>
      )}
      <form class="filters secondary-filters" role="search" aria-label={t("comments.filters")} onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="c-category">{t("comments.category")}</label>
          <select id="c-category" value={extra.category ?? ""} onChange={(e) => setQuery({ category: e.currentTarget.value }, { push: true })}>
            <option value="">{t("filters.all")}</option>
            <option value="detractor">{t("cat.detractors")}</option>
            <option value="passive">{t("cat.passives")}</option>
            <option value="promoter">{t("cat.promoters")}</option>
          </select>
        </div>
        <div class="field">
          <label for="c-status">{t("comments.followStatus")}</label>
          <select id="c-status" value={extra.status ?? ""} onChange={(e) => setQuery({ status: e.currentTarget.value }, { push: true })}>
            <option value="">{t("filters.all")}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(("follow." + s) as "follow.open")}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="c-owner">{t("comments.owner")}</label>
          <select id="c-owner" value={extra.owner} onChange={(e) => setQuery({ owner: e.currentTarget.value }, { push: true })}>
            <option value="">{t("filters.all")}</option>
            <option value="me">{t("comments.mine")}</option>
            <option value="none">{t("comments.nobody")}</option>
          </select>
        </div>
        <div class="field">
          <label for="c-overdue">{t("comments.overdueFilter")}</label>
          <select id="c-overdue" value={extra.overdue ?? ""} onChange={(e) => setQuery({ overdue: e.currentTarget.value }, { push: true })}>
            <option value="">{t("filters.all")}</option>
            <option value="1">{t("comments.overdueOnly")}</option>
          </select>
        </div>
        <div class="field grow">
          <label for="c-q">{t("comments.search")}</label>
          <input id="c-q" type="search" maxLength={200} value={extra.q} onChange={(e) => setQuery({ q: e.currentTarget.value.trim() })} />
        </div>
      </form>
      <Card>
        {comments.state === "loading" && !comments.data ? (
          <Spinner />
        ) : comments.state === "error" ? (
          <ErrorBox error={comments.error} what={t("nav.comments")} />
        ) : rows.length === 0 ? (
          <Empty>{t("comments.none")}</Empty>
        ) : (
          <>
            {/* The list's one sortable column: a header row in a table of its own, so it is a real
                column header (aria-sort) above a list whose items are too rich for table cells. */}
            <table class="table list-head" data-testid="comments-order">
              <caption class="sr-only">{t("comments.order")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("comments.answer")}</th>
                  <SortableTh label={t("comments.answered")} field="createdAt" sort={sort} onSort={onSort} class="num" />
                </tr>
              </thead>
            </table>
            <ul class="comment-list big" data-testid="comments">
              {rows.map((c) => (
                <CommentItem
                  key={c.responseId}
                  c={c}
                  people={people}
                  me={me}
                  canEdit={canEdit}
                  onChange={() => (comments.reload(), summary.reload())}
                />
              ))}
            </ul>
            {next && (
              <button type="button" class="btn secondary" onClick={() => void loadMore()}>
                {t("loadMore")}
              </button>
            )}
          </>
        )}
      </Card>
    </>
  );
}

function CommentItem({
  c,
  people,
  me,
  canEdit,
  onChange,
}: {
  c: CommentRow;
  people: User[];
  me: string | null;
  canEdit: boolean;
  onChange: () => void;
}) {
  const [note, setNote] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const detractor = c.category === "detractor";
  const fu = c.followup;
  // Open at first while the follow-up is still to do; then it stays as the user leaves it (a
  // status change must not fold the panel they are working in).
  const [open, setOpen] = useState(() => detractor && (!fu || fu.status === "open"));

  async function act(run: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await run();
      onChange();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class="comment" data-response={c.responseId}>
      <ScorePill score={c.score} category={c.category} />
      <div class="grow">
        {/* Text only: the comment becomes a text node, never markup. */}
        <p class="comment-text">{c.comment || <span class="muted">{t("comments.noText")}</span>}</p>
        <p class="muted small">
          {c.contact ? (
            <Link href={"/contacts/" + encodeURIComponent(c.contact.id)}>{c.contact.name || c.contact.email || c.contact.id}</Link>
          ) : (
            t("comments.anonymous")
          )}
          {c.account && (
            <>
              {" · "}
              <Link href={"/accounts/" + encodeURIComponent(c.account.id)}>{c.account.name ?? c.account.id}</Link>
            </>
          )}{" "}
          · {fmtDateTime(c.createdAt)} · {c.channel} · {c.locale}
        </p>
        {(detractor || fu) && (
          <details class="followup" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
            <summary>
              {t("comments.followup")}:{" "}
              <Badge kind={fu?.status === "resolved" ? "ok" : fu?.status === "contacted" ? "warn" : "bad"}>
                {t(("follow." + (fu?.status ?? "open")) as "follow.open")}
              </Badge>
              {fu?.owner && (
                <span class="muted small" data-testid="owner">
                  {" "}
                  · {fu.owner.name || fu.owner.id}
                </span>
              )}
              {fu?.dueOn && fu.status !== "resolved" && <span class="muted small"> · {t("comments.due", { date: fmtDate(fu.dueOn) })}</span>}
              {fu?.overdue && (
                <>
                  {" "}
                  <Badge kind="bad">{t("comments.overdue")}</Badge>
                </>
              )}
            </summary>
            <div class="followup-body">
              <fieldset class="inline" disabled={!canEdit || busy}>
                <legend class="sr-only">{t("comments.followup")}</legend>
                <div class="field">
                  <label for={"st-" + c.responseId}>{t("comments.followStatus")}</label>
                  <select
                    id={"st-" + c.responseId}
                    value={fu?.status ?? "open"}
                    onChange={(e) => void act(() => api.patchFollowup(c.responseId, { status: oneOf(STATUSES, e.currentTarget.value) }))}
                  >
                    {STATUSES.map((s) => (
                      <option key={s} value={s}>
                        {t(("follow." + s) as "follow.open")}
                      </option>
                    ))}
                  </select>
                </div>
                {people.length > 0 && (
                  <div class="field">
                    <label for={"ow-" + c.responseId}>{t("comments.owner")}</label>
                    <select
                      id={"ow-" + c.responseId}
                      value={fu?.ownerUserId ?? ""}
                      onChange={(e) => void act(() => api.patchFollowup(c.responseId, { ownerUserId: e.currentTarget.value || null }))}
                    >
                      <option value="">{t("comments.nobody")}</option>
                      {people.map((p) => (
                        <option key={p.id} value={p.id}>
                          {personLabel(p)}
                        </option>
                      ))}
                    </select>
                  </div>
                )}
                {me && fu && fu.ownerUserId !== me && (
                  <button
                    type="button"
                    class="btn secondary small"
                    onClick={() => void act(() => api.patchFollowup(c.responseId, { ownerUserId: me }))}
                  >
                    {t("comments.take")}
                  </button>
                )}
              </fieldset>
              {fu && fu.notes.length > 0 && (
                <ul class="notes">
                  {fu.notes.map((n, i) => (
                    <li key={n.id ?? i} class={n.kind === "reply" ? "reply" : undefined}>
                      {n.kind === "reply" && (
                        <Badge kind={n.delivery === "email" ? "ok" : n.delivery === "email_failed" ? "bad" : "neutral"}>
                          {t(("reply." + (n.delivery ?? "mailto")) as "reply.email")}
                        </Badge>
                      )}
                      <p>{n.body}</p>
                      <small class="muted">
                        {n.authorName ?? ""} {n.createdAt ? fmtDateTime(n.createdAt) : ""}
                      </small>
                    </li>
                  ))}
                </ul>
              )}
              {canEdit && (
                <form
                  class="note-form"
                  onSubmit={(e) => {
                    e.preventDefault();
                    const body = note.trim();
                    if (body) void act(() => api.addNote(c.responseId, body)).then(() => setNote(""));
                  }}
                >
                  <label for={"nt-" + c.responseId} class="sr-only">
                    {t("comments.addNote")}
                  </label>
                  <input
                    id={"nt-" + c.responseId}
                    maxLength={2000}
                    placeholder={t("comments.notePlaceholder")}
                    value={note}
                    onInput={(e) => setNote(e.currentTarget.value)}
                  />
                  <button class="btn secondary small" type="submit" disabled={busy || !note.trim()}>
                    {t("comments.addNote")}
                  </button>
                </form>
              )}
              {canEdit && c.contact?.email && <ReplyForm responseId={c.responseId} to={c.contact.email} onSent={onChange} />}
              {error !== null && <ErrorBox error={error} />}
            </div>
          </details>
        )}
      </div>
    </li>
  );
}

/**
 * Writes to the respondent from the item: the server sends it through the email API when one is
 * configured, else prepares a mailto: link for the user's own mail app; either way the reply is
 * kept on the item. The text is sent as typed; the server escapes it for the HTML part.
 */
function ReplyForm({ responseId, to, onSent }: { responseId: string; to: string; onSent: () => void }) {
  const [subject, setSubject] = useState("");
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<{ delivery: string; mailto: string | null } | null>(null);
  async function send(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api.reply(responseId, { ...(subject.trim() ? { subject: subject.trim() } : {}), body: body.trim() });
      setResult({ delivery: r.delivery, mailto: r.mailto });
      setBody("");
      setSubject("");
      onSent();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form class="reply-form stack" onSubmit={send} aria-label={t("reply.title", { to })}>
      <p class="small">
        <strong>{t("reply.title", { to })}</strong>
      </p>
      <label for={"rs-" + responseId} class="sr-only">
        {t("reply.subject")}
      </label>
      <input
        id={"rs-" + responseId}
        maxLength={200}
        placeholder={t("reply.subjectPlaceholder")}
        value={subject}
        onInput={(e) => setSubject(e.currentTarget.value)}
      />
      <label for={"rb-" + responseId} class="sr-only">
        {t("reply.body")}
      </label>
      <textarea
        id={"rb-" + responseId}
        rows={4}
        maxLength={10000}
        placeholder={t("reply.body")}
        value={body}
        onInput={(e) => setBody(e.currentTarget.value)}
      />
      <div class="row">
        <button class="btn primary small" type="submit" disabled={busy || !body.trim()}>
          {t("reply.send")}
        </button>
      </div>
      {result && (
        <p role="status" class="small" data-testid="reply-result">
          {result.delivery === "email" ? t("reply.sent") : result.delivery === "email_failed" ? t("reply.failed") : t("reply.prepared")}{" "}
          {result.mailto && (
            <a class="btn secondary small" href={result.mailto} data-testid="reply-mailto">
              {t("reply.openMail")}
            </a>
          )}
        </p>
      )}
      {error !== null && <ErrorBox error={error} />}
    </form>
  );
}
