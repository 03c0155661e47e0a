/**
 * The survey list (every dashboard page filters by survey), through the typed client, and which
 * survey a page opens on when the URL names none:
 *   1. the survey this user last picked in a filter bar (localStorage, per user id);
 *   2. the workspace default (`defaultSurveyId` in GET /api/v1/settings, set by an admin);
 *   3. the first active NPS survey, else the first survey.
 * So creating a survey never changes anyone's overview. The last choice lives in localStorage,
 * not on the server: it is a view preference of one person on one browser (like the language),
 * costs no request and no migration, and the workspace default covers a new browser.
 */
import { client, unwrap } from "./api";
import { useAsync } from "./data";
import type { Filters } from "./filters";
import { currentUserId } from "./session";

let workspaceDefault: string | null = null;

export async function listSurveys() {
  const [body, settings] = await Promise.all([
    unwrap(await client.api.v1.surveys.$get({ query: {} })),
    // Settings are a nicety here: without them the page still opens on a sensible survey.
    client.api.v1.settings
      .$get()
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null),
  ]);
  workspaceDefault = settings?.defaultSurveyId ?? null;
  return body.data;
}

/** A survey as the list route's response schema (Survey) declares it. */
export type SurveyLite = Awaited<ReturnType<typeof listSurveys>>[number];

export const useSurveys = () => useAsync(listSurveys, []);

const storageKey = () => `bm.survey.${currentUserId() ?? "anonymous"}`;

/** Remembers the survey this user picked (a filter bar's survey select). */
export function rememberSurvey(id: string) {
  try {
    localStorage.setItem(storageKey(), id);
  } catch {
    /* storage disabled: the workspace default still applies */
  }
}

function rememberedSurvey(): string | null {
  try {
    return localStorage.getItem(storageKey());
  } catch {
    return null;
  }
}

/** The survey the filters point at, else this user's last choice, the workspace default, the first active NPS survey, the first one. */
export function pickSurvey(list: SurveyLite[], f: Filters): SurveyLite | undefined {
  const byId = (id: string | null | undefined) => (id ? list.find((s) => s.id === id) : undefined);
  return (
    byId(f.survey) ?? byId(rememberedSurvey()) ?? byId(workspaceDefault) ?? list.find((s) => s.kind === "nps" && s.status === "active") ?? list[0]
  );
}
