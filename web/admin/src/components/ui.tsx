/** Small building blocks shared by the pages. */
import type { ComponentChildren } from "preact";
import { categoryOf as categoryOfKind, type SurveyKind } from "../../../../worker/domain/categories";
import { ApiError, Unavailable } from "../api";
import { t } from "../i18n";
import { onLinkClick, BASE } from "../router";

export function Link({
  href,
  children,
  class: cls,
  "aria-current": current,
}: {
  href: string;
  children: ComponentChildren;
  class?: string;
  "aria-current"?: "page";
}) {
  return (
    <a href={BASE + href} onClick={onLinkClick} class={cls} aria-current={current}>
      {children}
    </a>
  );
}

export function Card({
  title,
  children,
  actions,
  class: cls,
  id,
}: {
  title?: ComponentChildren;
  children: ComponentChildren;
  actions?: ComponentChildren;
  class?: string;
  id?: string;
}) {
  const hid = id ? id + "-h" : undefined;
  return (
    <section class={"card " + (cls ?? "")} aria-labelledby={hid} id={id}>
      {(title || actions) && (
        <header class="card-head">
          {title && <h2 id={hid}>{title}</h2>}
          {actions && <div class="card-actions">{actions}</div>}
        </header>
      )}
      {children}
    </section>
  );
}

export function PageHead({ title, sub, actions }: { title: string; sub?: ComponentChildren; actions?: ComponentChildren }) {
  return (
    <div class="page-head">
      <div>
        <h1 tabIndex={-1} id="page-title">
          {title}
        </h1>
        {sub && <p class="muted">{sub}</p>}
      </div>
      {actions && <div class="page-actions">{actions}</div>}
    </div>
  );
}

export const Spinner = ({ label }: { label?: string }) => (
  <div class="loading" role="status">
    <span class="spinner" aria-hidden="true" />
    {label ?? t("loading")}
  </div>
);

/** Shown where the server does not have the endpoint yet: says so, never shows made-up data. */
export const NotAvailable = ({ what }: { what?: string }) => (
  <div class="notice unavailable" role="note">
    <strong>{t("unavailable.title")}</strong>
    <p>{what ? t("unavailable.what", { what }) : t("unavailable.body")}</p>
  </div>
);

/** A failed load or action; a route the server does not have yet says so instead (`what` names it). */
export function ErrorBox({ error, what }: { error: unknown; what?: string }) {
  if (error instanceof Unavailable) return <NotAvailable what={what} />;
  let msg = t("error.generic");
  if (error instanceof ApiError) {
    if (error.status === 403) msg = t("error.forbidden");
    else if (error.status === 404) msg = t("error.notFound");
    else if (error.status < 500) msg = error.message;
  }
  return (
    <div class="notice error" role="alert">
      {msg}
    </div>
  );
}

export const Empty = ({ children }: { children: ComponentChildren }) => <p class="empty">{children}</p>;

export function Badge({ kind, children }: { kind: string; children: ComponentChildren }) {
  return <span class={"badge " + kind}>{children}</span>;
}

/**
 * An option chosen by default, and again after `form.reset()`: reset returns a select to the
 * option carrying the `selected` attribute, which Preact's `selected` prop does not write (it sets
 * the live property), so `defaultSelected` (the attribute) is set too.
 */
export function DefaultableOption({ value, byDefault, children }: { value: string; byDefault: boolean; children: ComponentChildren }) {
  return (
    <option
      value={value}
      selected={byDefault}
      ref={(o) => {
        if (o) o.defaultSelected = byDefault;
      }}
    >
      {children}
    </option>
  );
}

/** Label + control, always associated (for screen readers and click-to-focus). */
export function Field({ label, id, children, hint }: { label: string; id: string; children: ComponentChildren; hint?: string }) {
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children}
      {hint && (
        <small class="hint" id={id + "-hint"}>
          {hint}
        </small>
      )}
    </div>
  );
}

/** The NPS category's class (other scales stay neutral); the rule is the Worker's own module. */
export const categoryOf = (score: number, kind: SurveyKind = "nps") => (kind !== "nps" ? "" : categoryOfKind("nps", score));

export function ScorePill({ score, category }: { score: number | null | undefined; category?: string | null }) {
  if (score === null || score === undefined) return <span class="muted">—</span>;
  const cls = category ?? categoryOf(score);
  return (
    <span class={"score " + cls} title={cls === "promoter" || cls === "passive" || cls === "detractor" ? t(`cat.${cls}`) : undefined}>
      {Number.isInteger(score) ? score : score.toFixed(1)}
    </span>
  );
}

/** The product's mark and name (sidebar, login card). */
export const Brand = ({ size = 28, big = false }: { size?: number; big?: boolean }) => (
  <div class={big ? "brand big" : "brand"}>
    <svg viewBox="0 0 32 32" width={size} height={size} aria-hidden="true">
      <rect width="32" height="32" rx="8" fill="currentColor" />
      <path d="M8 22a8 8 0 0 1 16 0" stroke="#fff" stroke-width="3" fill="none" />
      <path d="M16 22l5-7" stroke="#fff" stroke-width="3" />
    </svg>
    <span>Baromètre</span>
  </div>
);
