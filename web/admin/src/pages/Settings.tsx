/**
 * Settings. Admins: the workspace (default survey, follow-up delay), users and roles, every API
 * key (an admin picks whom a key acts for), webhooks. Managers: their own API keys (bound to
 * themselves). Secrets are shown once, at creation.
 */
import { useState } from "preact/hooks";
import { api, type User } from "../endpoints";
import { SortableTh, useSort } from "../components/SortableTh";
import { Badge, Card, DefaultableOption, Empty, ErrorBox, Field, PageHead, Spinner } from "../components/ui";
import { useAsync, useMutation } from "../data";
import { oneOf } from "../filters";
import { fmtDate, fmtDateTime } from "../format";
import { getLocale, t } from "../i18n";
import { useSession } from "../session";
import { useSurveys } from "../surveys";
import { sortRows, type SortValue } from "../sort";
import { personLabel } from "../types";
import { HistoryImport } from "./HistoryImport";
import { Invitations } from "./Invitations";
import { Secret } from "../components/Secret";
import { ROLES, WEBHOOK_EVENTS as EVENTS } from "../../../../worker/domain/vocabulary";

export function Settings() {
  const session = useSession();
  if (session.status === "signed-in" && session.user.role !== "admin") {
    return (
      <>
        <PageHead title={t("settings.title")} sub={t("settings.subManager")} />
        <ApiKeys self />
      </>
    );
  }
  return (
    <>
      <PageHead title={t("settings.title")} sub={t("settings.sub")} />
      <div class="stack">
        <Workspace />
        <Users />
        <Invitations />
        {/* The keys are a table with a column per fact: the full width. The two forms sit side by side. */}
        <ApiKeys />
        <div class="grid-2">
          <Webhooks />
          <HistoryImport />
        </div>
      </div>
    </>
  );
}

const USER_FIELDS = ["name", "email", "role", "state"] as const;
const userValue = (u: User, field: string): SortValue =>
  field === "role" ? t(("role." + u.role) as "role.admin") : field === "state" ? !!u.disabledAt : u[field as "name" | "email"];

function Users() {
  const users = useAsync(() => api.users(), []);
  const { sort, onSort } = useSort("users", USER_FIELDS);
  const th = (field: (typeof USER_FIELDS)[number], label: string) => <SortableTh label={label} field={field} sort={sort} onSort={onSort} />;
  const { error, run } = useMutation(users.reload);
  const [secret, setSecret] = useState<string | null>(null);

  async function create(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const r = await run(() =>
      api.createUser({
        email: String(d.get("email")).trim(),
        name: String(d.get("name")).trim(),
        // The select offers every role; the least-privileged one stands in for the impossible.
        role: oneOf(ROLES, d.get("role")) ?? "viewer",
        ...(String(d.get("password") || "") ? { password: String(d.get("password")) } : {}),
      }),
    );
    if (r) {
      form.reset();
      if ("password" in r && r.password) setSecret(r.password);
    }
  }

  async function reset(u: User) {
    const r = await run(() => api.resetPassword(u.id));
    if (r?.password) setSecret(r.password);
  }

  return (
    <Card title={t("settings.users")}>
      {users.state === "loading" ? (
        <Spinner />
      ) : users.state === "error" ? (
        <ErrorBox error={users.error} what={t("settings.users")} />
      ) : (
        <>
          {secret && <Secret label={t("settings.oneTimePassword")} value={secret} onClose={() => setSecret(null)} />}
          <div class="table-wrap">
            <table class="table" data-testid="users">
              <caption class="sr-only">{t("settings.users")}</caption>
              <thead>
                <tr>
                  {th("name", t("settings.name"))}
                  {th("email", t("login.email"))}
                  {th("role", t("settings.role"))}
                  {th("state", t("settings.state"))}
                  <th scope="col">
                    <span class="sr-only">{t("settings.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sortRows(users.data.data, sort, userValue, getLocale()).map((row) => {
                  // Admins get the full view (with disabledAt); the list is admin-only here.
                  const u: User = row;
                  return (
                    <tr key={u.id}>
                      <td>{u.name || "—"}</td>
                      <td>{u.email}</td>
                      <td>
                        <label class="sr-only" for={"role-" + u.id}>
                          {t("settings.role")} {u.email}
                        </label>
                        <select
                          id={"role-" + u.id}
                          value={u.role}
                          onChange={(e) => void run(() => api.patchUser(u.id, { role: oneOf(ROLES, e.currentTarget.value) }))}
                        >
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {t(("role." + r) as "role.admin")}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        {u.disabledAt ? <Badge kind="neutral">{t("settings.disabled")}</Badge> : <Badge kind="ok">{t("settings.enabled")}</Badge>}
                      </td>
                      <td class="row-actions">
                        <button type="button" class="btn ghost small" onClick={() => void reset(u)}>
                          {t("settings.resetPassword")}
                        </button>
                        <button
                          type="button"
                          class="btn ghost small"
                          onClick={() => void run(() => api.patchUser(u.id, { disabled: !u.disabledAt }))}
                        >
                          {u.disabledAt ? t("settings.enable") : t("settings.disable")}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <form class="inline-form" onSubmit={create} aria-label={t("settings.addUser")}>
            <Field label={t("login.email")} id="u-email">
              <input id="u-email" name="email" type="email" required maxLength={320} />
            </Field>
            <Field label={t("settings.name")} id="u-name">
              <input id="u-name" name="name" maxLength={200} />
            </Field>
            <Field label={t("settings.role")} id="u-role">
              {/* An account manager by default, as for invitations: admin is a deliberate choice. */}
              <select id="u-role" name="role">
                {ROLES.map((r) => (
                  <DefaultableOption key={r} value={r} byDefault={r === "manager"}>
                    {t(("role." + r) as "role.admin")}
                  </DefaultableOption>
                ))}
              </select>
            </Field>
            <Field label={t("login.password")} id="u-password" hint={t("settings.passwordHint")}>
              <input id="u-password" name="password" type="password" autoComplete="new-password" minLength={10} maxLength={200} />
            </Field>
            <button class="btn primary" type="submit">
              {t("settings.addUser")}
            </button>
          </form>
          {error !== null && <ErrorBox error={error} />}
        </>
      )}
    </Card>
  );
}

/** The workspace settings: the survey every overview opens on, and the follow-up delay. */
function Workspace() {
  const settings = useAsync(() => api.settings(), []);
  const surveys = useSurveys();
  const { error, run } = useMutation(settings.reload);
  const [saved, setSaved] = useState(false);
  async function save(e: Event) {
    e.preventDefault();
    const d = new FormData(e.currentTarget as HTMLFormElement);
    setSaved(false);
    const r = await run(() =>
      api.patchSettings({
        defaultSurveyId: String(d.get("defaultSurveyId")) || null,
        followupDueWorkingDays: Number(d.get("followupDueWorkingDays")),
      }),
    );
    if (r) setSaved(true);
  }
  return (
    <Card title={t("settings.workspace")}>
      {settings.state === "loading" || surveys.state === "loading" ? (
        <Spinner />
      ) : settings.state === "error" ? (
        <ErrorBox error={settings.error} />
      ) : (
        <form class="inline-form" onSubmit={save} aria-label={t("settings.workspace")}>
          <Field label={t("settings.defaultSurvey")} id="ws-survey" hint={t("settings.defaultSurveyHint")}>
            <select id="ws-survey" name="defaultSurveyId">
              <option value="">{t("settings.defaultSurveyNone")}</option>
              {(surveys.state === "ok" ? surveys.data : []).map((s) => (
                <option key={s.id} value={s.id} selected={settings.data.defaultSurveyId === s.id}>
                  {s.name} ({s.kind.toUpperCase()})
                </option>
              ))}
            </select>
          </Field>
          <Field label={t("settings.dueDays")} id="ws-due">
            <input
              id="ws-due"
              name="followupDueWorkingDays"
              type="number"
              min={1}
              max={30}
              required
              defaultValue={String(settings.data.followupDueWorkingDays)}
            />
          </Field>
          <button class="btn primary" type="submit">
            {t("save")}
          </button>
          {saved && (
            <span role="status" class="muted">
              {t("saved")}
            </span>
          )}
          {error !== null && <ErrorBox error={error} />}
        </form>
      )}
    </Card>
  );
}

/**
 * API keys. `self`: a manager's own keys, each bound to them (the server enforces it too);
 * otherwise an admin's view of every key, with the person a key acts for.
 */
type ApiKey = Awaited<ReturnType<typeof api.apiKeys>>["data"][number];
const KEY_FIELDS = ["name", "role", "access", "actsAs", "lastUsedAt", "state"] as const;

function ApiKeys({ self = false }: { self?: boolean }) {
  const keys = useAsync(() => api.apiKeys(), []);
  const people = useAsync(() => (self ? Promise.resolve([]) : api.users().then((r) => r.data.filter((u) => !u.disabledAt))), [self]);
  const { error, run } = useMutation(keys.reload);
  const [secret, setSecret] = useState<string | null>(null);
  const [role, setRole] = useState<string>(self ? "manager" : "viewer");
  const nameOf = (id: string | null) => (people.state === "ok" ? people.data.find((u) => u.id === id) : undefined);
  const actsAs = (k: ApiKey) => (k.userId ? (nameOf(k.userId) ? personLabel(nameOf(k.userId)!) : k.userId) : "");
  const keySort = useSort("keys", KEY_FIELDS);
  const keyValue = (k: ApiKey, field: string): SortValue =>
    field === "role"
      ? t(("role." + k.role) as "role.admin")
      : field === "access"
        ? k.scopes.includes("write")
        : field === "actsAs"
          ? actsAs(k)
          : field === "lastUsedAt"
            ? k.lastUsedAt && new Date(k.lastUsedAt)
            : field === "state"
              ? !!k.revokedAt
              : k.name;
  async function create(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const userId = String(d.get("userId") ?? "");
    const scopes = d.get("readOnly") ? (["read"] as const) : (["read", "write"] as const);
    const r = await run(() =>
      api.createApiKey({
        name: String(d.get("name")).trim(),
        role: self ? "manager" : (oneOf(ROLES, d.get("role")) ?? "viewer"),
        scopes: [...scopes],
        ...(!self && userId ? { userId } : {}),
      }),
    );
    if (r?.key) {
      setSecret(r.key);
      form.reset();
    }
  }
  return (
    <Card title={t("settings.apiKeys")}>
      {keys.state === "loading" ? (
        <Spinner />
      ) : keys.state === "error" ? (
        <ErrorBox error={keys.error} what={t("settings.apiKeys")} />
      ) : (
        <>
          {secret && <Secret label={t("settings.keyOnce")} value={secret} onClose={() => setSecret(null)} />}
          {keys.data.data.length === 0 ? (
            <Empty>{t("settings.noKeys")}</Empty>
          ) : (
            <div class="table-wrap">
              <table class="table compact" data-testid="api-keys">
                <caption class="sr-only">{t("settings.apiKeys")}</caption>
                <thead>
                  <tr>
                    <SortableTh label={t("settings.name")} field="name" {...keySort} />
                    <SortableTh label={t("settings.role")} field="role" {...keySort} />
                    <SortableTh label={t("settings.colAccess")} field="access" {...keySort} />
                    {!self && <SortableTh label={t("settings.colActsAs")} field="actsAs" {...keySort} />}
                    <SortableTh label={t("settings.colLastUsed")} field="lastUsedAt" {...keySort} />
                    <SortableTh label={t("settings.state")} field="state" {...keySort} />
                    <th scope="col">
                      <span class="sr-only">{t("settings.actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {sortRows(keys.data.data, keySort.sort, keyValue, getLocale()).map((k) => (
                    <tr key={k.id}>
                      <td>
                        <strong>{k.name}</strong> <code>{k.prefix}…</code>
                      </td>
                      <td>{t(("role." + k.role) as "role.admin")}</td>
                      <td>
                        <Badge kind={k.scopes.includes("write") ? "neutral" : "warn"}>
                          {k.scopes.includes("write") ? t("settings.scopeReadWrite") : t("settings.scopeRead")}
                        </Badge>
                      </td>
                      {!self && <td>{actsAs(k)}</td>}
                      <td>{fmtDate(k.lastUsedAt)}</td>
                      <td>
                        {k.revokedAt ? <Badge kind="neutral">{t("settings.revoked")}</Badge> : <Badge kind="ok">{t("settings.enabled")}</Badge>}
                      </td>
                      <td class="row-actions">
                        {!k.revokedAt && (
                          <button type="button" class="btn ghost small" onClick={() => void run(() => api.revokeApiKey(k.id))}>
                            {t("settings.revoke")}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <form class="inline-form" onSubmit={create} aria-label={t("settings.newKey")}>
            <Field label={t("settings.name")} id="k-name">
              <input id="k-name" name="name" required maxLength={100} />
            </Field>
            {self ? (
              <p class="muted small" data-testid="key-self-hint">
                {t("settings.keySelfHint")}
              </p>
            ) : (
              <>
                <Field label={t("settings.role")} id="k-role">
                  <select id="k-role" name="role" value={role} onChange={(e) => setRole(e.currentTarget.value)}>
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(("role." + r) as "role.admin")}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field
                  label={t("settings.keyUser")}
                  id="k-user"
                  hint={role === "manager" ? t("settings.keyUserManagerHint") : t("settings.keyUserHint")}
                >
                  <select id="k-user" name="userId" required={role === "manager"}>
                    <option value="">{t("settings.keyUserNone")}</option>
                    {(people.state === "ok" ? people.data : [])
                      .filter((u) => (role === "manager" ? u.role === "manager" : true))
                      .map((u) => (
                        <option key={u.id} value={u.id}>
                          {personLabel(u)} ({t(("role." + u.role) as "role.admin")})
                        </option>
                      ))}
                  </select>
                </Field>
              </>
            )}
            <label class="check">
              <input type="checkbox" name="readOnly" /> {t("settings.readOnly")}
            </label>
            <button class="btn primary" type="submit">
              {t("settings.newKey")}
            </button>
          </form>
          {error !== null && <ErrorBox error={error} />}
        </>
      )}
    </Card>
  );
}

function Webhooks() {
  const hooks = useAsync(() => api.webhooks(), []);
  const { error, run } = useMutation(hooks.reload);
  const [secret, setSecret] = useState<string | null>(null);
  async function create(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const d = new FormData(form);
    const r = await run(() =>
      api.createWebhook({
        url: String(d.get("url")).trim(),
        events: d.getAll("events").flatMap((ev) => oneOf(EVENTS, ev) ?? []),
        format: oneOf(["generic", "slack"], d.get("format")),
        signing: oneOf(["standard", "barometre"], d.get("signing")),
      }),
    );
    if (r) {
      form.reset();
      if (r.secret) setSecret(r.secret);
    }
  }
  return (
    <Card title={t("settings.webhooks")}>
      {hooks.state === "loading" ? (
        <Spinner />
      ) : hooks.state === "error" ? (
        <ErrorBox error={hooks.error} what={t("settings.webhooks")} />
      ) : (
        <>
          {secret && <Secret label={t("settings.webhookSecret")} value={secret} onClose={() => setSecret(null)} />}
          {hooks.data.data.length === 0 ? (
            <Empty>{t("settings.noWebhooks")}</Empty>
          ) : (
            <ul class="plain-list">
              {hooks.data.data.map((h) => (
                <li key={h.id}>
                  <div class="grow">
                    <strong class="break">{h.url}</strong> <Badge kind="neutral">{h.format}</Badge>{" "}
                    <Badge kind="neutral">{h.signing === "standard" ? "Standard Webhooks" : "Barometre-Signature"}</Badge>{" "}
                    {h.failed > 0 && <Badge kind="warn">{t("settings.failedDeliveries", { n: h.failed })}</Badge>}{" "}
                    {!h.active && <Badge kind="warn">{t("settings.paused")}</Badge>}
                    <p class="muted small">{h.events.join(", ")}</p>
                    <Deliveries hookId={h.id} onChange={hooks.reload} />
                  </div>
                  <button type="button" class="btn ghost small" onClick={() => void run(() => api.patchWebhook(h.id, { active: !h.active }))}>
                    {h.active ? t("settings.pause") : t("settings.resume")}
                  </button>
                  <button type="button" class="btn ghost small" onClick={() => void run(() => api.deleteWebhook(h.id))}>
                    {t("delete")}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <form class="stack" onSubmit={create} aria-label={t("settings.newWebhook")}>
            <Field label="URL" id="w-url">
              <input id="w-url" name="url" type="url" required maxLength={2000} placeholder="https://" />
            </Field>
            <fieldset class="events">
              <legend>{t("settings.events")}</legend>
              {EVENTS.map((ev) => (
                <label key={ev} class="check">
                  <input type="checkbox" name="events" value={ev} defaultChecked={ev === "response.detractor"} /> {ev}
                </label>
              ))}
            </fieldset>
            <Field label={t("settings.signing")} id="w-signing">
              <select id="w-signing" name="signing">
                <option value="standard">Standard Webhooks</option>
                <option value="barometre">Barometre-Signature</option>
              </select>
            </Field>
            <Field label={t("settings.format")} id="w-format">
              <select id="w-format" name="format">
                <option value="generic">JSON</option>
                <option value="slack">Slack</option>
              </select>
            </Field>
            <button class="btn primary" type="submit">
              {t("settings.newWebhook")}
            </button>
          </form>
          {error !== null && <ErrorBox error={error} />}
        </>
      )}
    </Card>
  );
}

/** A webhook's recent deliveries, opened on demand: failed ones (dead-lettered) can be sent again. */
function Deliveries({ hookId, onChange }: { hookId: string; onChange: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <details class="deliveries" onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
      <summary>{t("settings.deliveries")}</summary>
      {open && <DeliveryList hookId={hookId} onChange={onChange} />}
    </details>
  );
}

type Delivery = Awaited<ReturnType<typeof api.webhookDeliveries>>["data"][number];
const DELIVERY_FIELDS = ["event", "status", "attempts", "lastError", "createdAt"] as const;
const deliveryValue = (d: Delivery, field: string): SortValue =>
  field === "createdAt"
    ? new Date(d.createdAt)
    : field === "status"
      ? t(("settings.delivery." + d.status) as "settings.delivery.failed")
      : d[field as "event" | "attempts" | "lastError"];

/** The webhook's last 50 deliveries (all the route keeps listing), sortable as a whole. */
function DeliveryList({ hookId, onChange }: { hookId: string; onChange: () => void }) {
  const list = useAsync(() => api.webhookDeliveries(hookId), [hookId]);
  const { sort, onSort } = useSort("deliveries", DELIVERY_FIELDS);
  const { error, run } = useMutation(() => {
    list.reload();
    onChange();
  });
  if (list.state === "loading") return <Spinner />;
  if (list.state === "error") return <ErrorBox error={list.error} what={t("settings.deliveries")} />;
  if (list.data.data.length === 0) return <Empty>{t("settings.noDeliveries")}</Empty>;
  return (
    <>
      <div class="table-wrap">
        <table class="table compact" data-testid="deliveries">
          <caption class="sr-only">{t("settings.deliveries")}</caption>
          <thead>
            <tr>
              <SortableTh label={t("settings.colEvent")} field="event" sort={sort} onSort={onSort} />
              <SortableTh label={t("settings.colStatus")} field="status" sort={sort} onSort={onSort} />
              <SortableTh label={t("settings.colAttempts")} field="attempts" sort={sort} onSort={onSort} class="num" />
              <SortableTh label={t("settings.colError")} field="lastError" sort={sort} onSort={onSort} />
              <SortableTh label={t("settings.colCreated")} field="createdAt" sort={sort} onSort={onSort} />
              <th scope="col">
                <span class="sr-only">{t("settings.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sortRows(list.data.data, sort, deliveryValue, getLocale()).map((d) => (
              <tr key={d.id}>
                <td>
                  <code>{d.event}</code>
                </td>
                <td>
                  <Badge kind={d.status === "failed" ? "warn" : "neutral"}>
                    {t(("settings.delivery." + d.status) as "settings.delivery.failed")}
                  </Badge>
                </td>
                <td class="num">{d.attempts}</td>
                <td class="wrap">{d.lastError ?? "—"}</td>
                <td>{fmtDateTime(d.createdAt)}</td>
                <td class="row-actions">
                  {d.status === "failed" && (
                    <button type="button" class="btn ghost small" onClick={() => void run(() => api.replayDelivery(hookId, d.id))}>
                      {t("settings.replay")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {error !== null && <ErrorBox error={error} />}
    </>
  );
}
