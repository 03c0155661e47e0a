/** The language picker (sidebar and sign-in page). */
import { t, setLocale, useLocale, type Locale } from "../i18n";

export function LocaleSwitch() {
  const locale = useLocale();
  return (
    <div class="locale-switch">
      <label for="locale" class="sr-only">
        {t("locale.label")}
      </label>
      <select id="locale" value={locale} onChange={(e) => setLocale(e.currentTarget.value as Locale)}>
        <option value="en">English</option>
        <option value="fr">Français</option>
      </select>
    </div>
  );
}
