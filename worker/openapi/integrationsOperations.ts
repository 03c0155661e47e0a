/** History import and delivery attempts for the OpenAPI document (routes not yet declared with createRoute). */
import { HistoryQuerySchema } from "../schemas/historyImport";
import type { Operation } from "./operation";

const guarded = { 401: "Missing or wrong API key", 403: "Not an admin, or a key without the needed scope" };

export const integrationsOperations: Operation[] = [
  {
    method: "post",
    path: "/api/v1/imports/history",
    summary: "Import past answers with their own dates: Delighted (JSON or CSV), Formbricks, Typeform, any CSV (`columns` maps headers) (admin)",
    tag: "imports",
    auth: "key",
    query: HistoryQuerySchema,
    bodyType: "text/csv, or application/json (Delighted's API JSON)",
    responses: { 201: "The report: `okRows`, `created`, `unchanged`, `errorRows`, `errors[]`", 400: "Header or mapping problems (nothing written)", 413: "JSON too large", 415: "Neither CSV nor JSON", ...guarded },
  },
  { method: "get", path: "/api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/attempts", summary: "Every attempt of one delivery: number, outcome, error, duration (admin)", tag: "webhooks", auth: "key", responses: { 200: "`{ data }`", 404: "Not found", ...guarded } },
];
