/** The survey list (every dashboard page filters by survey), through the typed client. */
import { client, unwrap } from "./api";
import { useAsync } from "./data";
import type { Filters } from "./filters";

export async function listSurveys() {
  const body = await unwrap(await client.api.v1.surveys.$get({ query: {} }));
  return body.data;
}

/** A survey as the list route's response schema (Survey) declares it. */
export type SurveyLite = Awaited<ReturnType<typeof listSurveys>>[number];

export const useSurveys = () => useAsync(listSurveys, []);

/** The survey the filters point at, else the first active NPS survey, else the first one. */
export function pickSurvey(list: SurveyLite[], f: Filters): SurveyLite | undefined {
  return list.find((s) => s.id === f.survey) ?? list.find((s) => s.kind === "nps" && s.status === "active") ?? list[0];
}
