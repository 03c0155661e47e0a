/** Shows a secret once with a copy button (API key, one-time password, webhook secret, invitation link). */
import { t } from "../i18n";

export function Secret({ label, value, onClose }: { label: string; value: string; onClose: () => void }) {
  return (
    <div class="notice secret" role="status">
      <p>{label}</p>
      <code data-testid="secret">{value}</code>
      <div class="row">
        <button type="button" class="btn secondary small" onClick={() => void navigator.clipboard?.writeText(value)}>
          {t("copy")}
        </button>
        <button type="button" class="btn ghost small" onClick={onClose}>
          {t("close")}
        </button>
      </div>
    </div>
  );
}
