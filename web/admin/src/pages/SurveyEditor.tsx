/**
 * Create or edit a survey: kind, texts in fr and en (question, labels, follow-up wording by
 * category, thank-you), re-survey interval, sampling, allowed origins, theme, cadence. For a saved
 * survey: the embed and email snippets to copy, and a live preview with the real widget.
 */
import { useEffect, useState } from "preact/hooks";
import { SURVEY_DEFAULTS, WIDGET_POSITIONS, type WidgetPosition } from "../../../../worker/domain/vocabulary";
import { ApiError, client, unwrap } from "../api";
import { api } from "../endpoints";
import { Card, ErrorBox, Field, Link, NotAvailable, PageHead, Spinner } from "../components/ui";
import { useAsync } from "../data";
import { t } from "../i18n";
import { navigate } from "../router";
import { can, useSession } from "../session";

const TEXT_KEYS = ["question", "lowLabel", "highLabel", "commentPlaceholder", "submit", "thankYou"] as const;
const FOLLOW = ["detractor", "passive", "promoter"] as const;
const LANGS = ["en", "fr"] as const;
type Kind = "nps" | "csat" | "ces";

interface Form {
  name: string;
  kind: Kind;
  status: "active" | "paused" | "archived";
  defaultLocale: string;
  texts: Record<string, Record<string, string>>;
  resurveyDays: number;
  dismissDays: number;
  samplingPercent: number;
  origins: string;
  color: string;
  position: WidgetPosition;
  cadenceEnabled: boolean;
  months: number[];
  day: number;
  windowDays: number;
  requireSignature: boolean;
}

const blank = (): Form => ({
  name: "",
  kind: "nps",
  status: "active",
  defaultLocale: "en",
  texts: { en: {}, fr: {} },
  resurveyDays: SURVEY_DEFAULTS.resurveyDays,
  dismissDays: SURVEY_DEFAULTS.dismissDays,
  samplingPercent: SURVEY_DEFAULTS.samplingPercent,
  origins: "",
  color: SURVEY_DEFAULTS.theme.color,
  position: SURVEY_DEFAULTS.theme.position,
  cadenceEnabled: SURVEY_DEFAULTS.cadence.enabled,
  months: [...SURVEY_DEFAULTS.cadence.months],
  day: SURVEY_DEFAULTS.cadence.day,
  windowDays: SURVEY_DEFAULTS.cadence.windowDays,
  requireSignature: false,
});

type SurveyBody = Awaited<ReturnType<typeof load>>;
async function load(id: string) {
  return unwrap(await client.api.v1.surveys[":surveyId"].$get({ param: { surveyId: id } }));
}

function toForm(s: SurveyBody): Form {
  const texts: Form["texts"] = { en: {}, fr: {} };
  for (const [lang, tx] of Object.entries(s.texts ?? {})) {
    const flat: Record<string, string> = {};
    for (const k of TEXT_KEYS) if (tx[k]) flat[k] = tx[k]!;
    for (const c of FOLLOW) if (tx.followUp?.[c]) flat["followUp." + c] = tx.followUp[c]!;
    texts[lang] = flat;
  }
  return {
    name: s.name,
    kind: s.kind,
    status: s.status,
    defaultLocale: s.defaultLocale,
    texts,
    resurveyDays: s.resurveyDays,
    dismissDays: s.dismissDays,
    samplingPercent: s.samplingPercent,
    origins: s.allowedOrigins.join("\n"),
    color: s.theme.color,
    position: s.theme.position,
    cadenceEnabled: s.cadence.enabled,
    months: s.cadence.months,
    day: s.cadence.day,
    windowDays: s.cadence.windowDays,
    requireSignature: s.requireSignature,
  };
}

function toBody(f: Form) {
  const texts: Record<string, Record<string, unknown>> = {};
  for (const [lang, flat] of Object.entries(f.texts)) {
    const out: Record<string, unknown> = {};
    const followUp: Record<string, string> = {};
    for (const [k, v] of Object.entries(flat)) {
      const val = v.trim();
      if (!val) continue;
      if (k.startsWith("followUp.")) followUp[k.slice(9)] = val;
      else out[k] = val;
    }
    if (Object.keys(followUp).length) out.followUp = followUp;
    if (Object.keys(out).length) texts[lang] = out;
  }
  return {
    name: f.name.trim(),
    status: f.status,
    defaultLocale: f.defaultLocale,
    texts,
    resurveyDays: f.resurveyDays,
    dismissDays: f.dismissDays,
    samplingPercent: f.samplingPercent,
    allowedOrigins: f.origins
      .split(/\s+/)
      .map((o) => o.trim().replace(/\/+$/, ""))
      .filter(Boolean),
    theme: { color: f.color, position: f.position },
    cadence: { enabled: f.cadenceEnabled, months: [...f.months].sort((a, b) => a - b), day: f.day, windowDays: f.windowDays },
    requireSignature: f.requireSignature,
  };
}

export function SurveyEditor({ id }: { id: string | null }) {
  const existing = useAsync(() => (id ? load(id) : Promise.resolve(null)), [id]);
  if (existing.state === "loading") return <Spinner />;
  if (existing.state === "error") return <ErrorBox error={existing.error} />;
  return <Editor key={id ?? "new"} id={id} initial={existing.data ? toForm(existing.data) : blank()} />;
}

function Editor({ id, initial }: { id: string | null; initial: Form }) {
  const session = useSession();
  const readOnly = !can(session, "admin");
  const [f, setF] = useState<Form>(initial);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    setSaved(false);
    setF((o) => ({ ...o, [k]: v }));
  };
  const setText = (lang: string, k: string, v: string) => {
    setSaved(false);
    setF((o) => ({ ...o, texts: { ...o.texts, [lang]: { ...o.texts[lang], [k]: v } } }));
  };

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = toBody(f);
      if (id) {
        await unwrap(await client.api.v1.surveys[":surveyId"].$patch({ param: { surveyId: id }, json: body }));
        setSaved(true);
      } else {
        const created = await unwrap(await client.api.v1.surveys.$post({ json: { ...body, kind: f.kind } }));
        navigate("/surveys/" + encodeURIComponent(created.id));
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  const fieldError = error instanceof ApiError && error.field ? error.field : null;
  return (
    <>
      <PageHead title={id ? f.name || t("surveys.edit") : t("surveys.create")} sub={<Link href="/surveys">← {t("surveys.title")}</Link>} />
      <div class="grid-2-1">
        <form class="stack" onSubmit={save} aria-label={t("surveys.edit")}>
          <Card title={t("surveys.general")}>
            <fieldset disabled={readOnly} class="form-grid">
              <Field label={t("surveys.name")} id="s-name">
                <input
                  id="s-name"
                  required
                  maxLength={200}
                  value={f.name}
                  onInput={(e) => set("name", e.currentTarget.value)}
                  aria-invalid={fieldError === "name"}
                />
              </Field>
              <Field label={t("surveys.kind")} id="s-kind" hint={id ? t("surveys.kindFixed") : undefined}>
                <select id="s-kind" value={f.kind} disabled={!!id} onChange={(e) => set("kind", e.currentTarget.value as Kind)}>
                  <option value="nps">NPS (0–10)</option>
                  <option value="csat">CSAT (1–5)</option>
                  <option value="ces">CES (1–7)</option>
                </select>
              </Field>
              <Field label={t("surveys.status")} id="s-status">
                <select id="s-status" value={f.status} onChange={(e) => set("status", e.currentTarget.value as Form["status"])}>
                  {(["active", "paused", "archived"] as const).map((s) => (
                    <option key={s} value={s}>
                      {t(("status." + s) as "status.active")}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t("surveys.defaultLocale")} id="s-locale">
                <select id="s-locale" value={f.defaultLocale} onChange={(e) => set("defaultLocale", e.currentTarget.value)}>
                  <option value="en">English</option>
                  <option value="fr">Français</option>
                </select>
              </Field>
            </fieldset>
          </Card>

          {LANGS.map((lang) => (
            <Card key={lang} title={t("surveys.texts", { lang: lang === "fr" ? "Français" : "English" })}>
              <p class="muted small">{t("surveys.textsHint")}</p>
              <fieldset disabled={readOnly} class="form-grid" lang={lang}>
                {TEXT_KEYS.map((k) => (
                  <Field key={k} label={t(("text." + k) as "text.question")} id={`t-${lang}-${k}`}>
                    <input
                      id={`t-${lang}-${k}`}
                      maxLength={k === "submit" ? 60 : 500}
                      value={f.texts[lang]?.[k] ?? ""}
                      onInput={(e) => setText(lang, k, e.currentTarget.value)}
                    />
                  </Field>
                ))}
                {FOLLOW.map((c) => (
                  <Field key={c} label={t("surveys.followUp", { cat: t(("cat." + c) as "cat.promoter") })} id={`t-${lang}-fu-${c}`}>
                    <input
                      id={`t-${lang}-fu-${c}`}
                      maxLength={500}
                      value={f.texts[lang]?.["followUp." + c] ?? ""}
                      onInput={(e) => setText(lang, "followUp." + c, e.currentTarget.value)}
                    />
                  </Field>
                ))}
              </fieldset>
            </Card>
          ))}

          <Card title={t("surveys.targeting")}>
            <fieldset disabled={readOnly} class="form-grid">
              <Field label={t("surveys.resurveyDays")} id="s-resurvey" hint={t("surveys.resurveyHint")}>
                <input
                  id="s-resurvey"
                  type="number"
                  min={0}
                  max={3650}
                  value={f.resurveyDays}
                  onInput={(e) => set("resurveyDays", e.currentTarget.valueAsNumber || 0)}
                />
              </Field>
              <Field label={t("surveys.dismissDays")} id="s-dismiss">
                <input
                  id="s-dismiss"
                  type="number"
                  min={0}
                  max={3650}
                  value={f.dismissDays}
                  onInput={(e) => set("dismissDays", e.currentTarget.valueAsNumber || 0)}
                />
              </Field>
              <Field label={t("surveys.sampling")} id="s-sampling">
                <input
                  id="s-sampling"
                  type="number"
                  min={0}
                  max={100}
                  value={f.samplingPercent}
                  onInput={(e) => set("samplingPercent", e.currentTarget.valueAsNumber || 0)}
                />
              </Field>
              <Field label={t("surveys.origins")} id="s-origins" hint={t("surveys.originsHint")}>
                <textarea
                  id="s-origins"
                  rows={3}
                  value={f.origins}
                  onInput={(e) => set("origins", e.currentTarget.value)}
                  aria-invalid={fieldError?.startsWith("allowedOrigins")}
                />
              </Field>
              <Field label={t("surveys.color")} id="s-color">
                <input id="s-color" type="color" value={f.color} onInput={(e) => set("color", e.currentTarget.value)} />
              </Field>
              <Field label={t("surveys.position")} id="s-position">
                <select id="s-position" value={f.position} onChange={(e) => set("position", e.currentTarget.value as Form["position"])}>
                  {WIDGET_POSITIONS.map((p) => (
                    <option key={p} value={p}>
                      {t(("pos." + p) as "pos.center")}
                    </option>
                  ))}
                </select>
              </Field>
              <label class="check">
                <input type="checkbox" checked={f.requireSignature} onChange={(e) => set("requireSignature", e.currentTarget.checked)} />{" "}
                {t("surveys.requireSignature")}
              </label>
            </fieldset>
          </Card>

          <Card title={t("surveys.cadence")}>
            <fieldset disabled={readOnly} class="form-grid">
              <label class="check">
                <input type="checkbox" checked={f.cadenceEnabled} onChange={(e) => set("cadenceEnabled", e.currentTarget.checked)} />{" "}
                {t("surveys.cadenceEnabled")}
              </label>
              <fieldset class="months">
                <legend>{t("surveys.months")}</legend>
                {Array.from({ length: 12 }, (_, i) => i + 1).map((m) => (
                  <label key={m} class="chip">
                    <input
                      type="checkbox"
                      checked={f.months.includes(m)}
                      onChange={(e) => set("months", e.currentTarget.checked ? [...f.months, m] : f.months.filter((x) => x !== m))}
                    />
                    {new Intl.DateTimeFormat(document.documentElement.lang, { month: "short", timeZone: "UTC" }).format(
                      new Date(Date.UTC(2024, m - 1, 1)),
                    )}
                  </label>
                ))}
              </fieldset>
              <Field label={t("surveys.day")} id="s-day">
                <input id="s-day" type="number" min={1} max={28} value={f.day} onInput={(e) => set("day", e.currentTarget.valueAsNumber || 1)} />
              </Field>
              <Field label={t("surveys.windowDays")} id="s-window">
                <input
                  id="s-window"
                  type="number"
                  min={1}
                  max={120}
                  value={f.windowDays}
                  onInput={(e) => set("windowDays", e.currentTarget.valueAsNumber || 1)}
                />
              </Field>
            </fieldset>
          </Card>

          {error !== null && <ErrorBox error={error} />}
          {!readOnly && (
            <div class="form-actions">
              <button class="btn primary" type="submit" disabled={busy}>
                {busy ? t("loading") : id ? t("save") : t("surveys.create")}
              </button>
              {saved && (
                <span role="status" class="saved">
                  ✓ {t("saved")}
                </span>
              )}
            </div>
          )}
        </form>
        {id && (
          <div class="stack sticky">
            <Snippets id={id} locale={f.defaultLocale} />
            <Preview id={id} locale={f.defaultLocale} />
          </div>
        )}
      </div>
    </>
  );
}

function Copy({ text, label }: { text: string; label: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      class="btn secondary small"
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        });
      }}
    >
      {done ? "✓ " + t("copied") : label}
    </button>
  );
}

/** Snippets the admin pastes elsewhere. The email one comes from the server (its link format). */
function Snippets({ id, locale }: { id: string; locale: string }) {
  const embed = `<script src="${location.origin}/embed.js" data-survey="${id}" async></script>`;
  const email = useAsync(() => api.emailSnippet(id, { locale, tokenTag: "{{token}}" }), [id, locale]);
  return (
    <Card title={t("surveys.snippets")}>
      <div class="snippet">
        <div class="snippet-head">
          <label for="embed-snippet">{t("surveys.embedSnippet")}</label>
          <Copy text={embed} label={t("copy")} />
        </div>
        <textarea id="embed-snippet" readOnly rows={3} value={embed} class="code" />
      </div>
      <div class="snippet">
        {email.state === "loading" ? (
          <Spinner />
        ) : email.state === "error" ? (
          <ErrorBox error={email.error} what={t("surveys.emailSnippet")} />
        ) : (
          <>
            <div class="snippet-head">
              <label for="email-snippet">{t("surveys.emailSnippet")}</label>
              <Copy text={email.data.html} label={t("copy")} />
            </div>
            <textarea id="email-snippet" readOnly rows={4} value={email.data.html} class="code" />
            <small class="hint">{t("surveys.emailHint")}</small>
          </>
        )}
      </div>
    </Card>
  );
}

/**
 * The real widget (/embed.js) in a frame (preview.html), opened at once; the frame answers the
 * widget's writes itself, so trying the survey here records nothing.
 */
function Preview({ id, locale }: { id: string; locale: string }) {
  const [available, setAvailable] = useState<boolean | null>(null);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    fetch("/embed.js", { method: "HEAD" }).then(
      (r) => setAvailable(r.ok && (r.headers.get("content-type") ?? "").includes("javascript")),
      () => setAvailable(false),
    );
  }, []);
  return (
    <Card
      title={t("surveys.preview")}
      actions={
        available ? (
          <button type="button" class="btn ghost small" onClick={() => setNonce((n) => n + 1)}>
            {t("surveys.reload")}
          </button>
        ) : undefined
      }
    >
      {available === null ? (
        <Spinner />
      ) : available ? (
        <iframe
          key={nonce}
          class="preview"
          title={t("surveys.preview")}
          src={`/admin/preview.html?survey=${encodeURIComponent(id)}&lang=${encodeURIComponent(locale)}&n=${nonce}`}
        />
      ) : (
        <NotAvailable what={t("surveys.widget")} />
      )}
    </Card>
  );
}
