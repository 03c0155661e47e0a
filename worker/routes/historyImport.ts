/**
 * History import (admins): past answers from another tool, with their own dates (docs/IMPORT.md,
 * "History"). A CSV body (any source) streams through the parser; Delighted's API JSON (an array
 * of survey responses, `expand[]=person` or not) is parsed whole, up to 20 MB.
 */
import { createRoute } from "@hono/zod-openapi";
import { ApiError, badRequest } from "../lib/errors";
import { readJson } from "../lib/validate";
import { error, errors, json, KEY_OR_SESSION, router } from "../lib/openapi";
import { workspaceTz } from "../lib/timezone";
import { requireAuth } from "../middleware/auth";
import { HistoryQuerySchema, HistoryReportSchema } from "../schemas/historyImport";
import { importHistory } from "../services/historyImport";

/** Delighted's JSON is parsed whole; a CSV streams (any size up to the row limit). */
const MAX_JSON_BYTES = 20 * 1024 * 1024;

const upload = createRoute({
  method: "post",
  path: "/",
  summary: "Import past answers with their own dates: Delighted (JSON or CSV), Formbricks, Typeform, any CSV (`columns` maps headers) (admins)",
  tags: ["imports"],
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: {
    query: HistoryQuerySchema,
    // Plain JSON Schemas, not zod: no validator reads the body, so the handler streams the CSV.
    body: {
      required: true,
      content: {
        "text/csv": { schema: { type: "string", description: "The other tool's export; the first line names the columns" } },
        "application/json": { schema: { type: "array", description: "Delighted's API JSON: survey responses", items: {} } },
      },
    },
  },
  responses: {
    201: json(HistoryReportSchema, "The finished report"),
    400: error("Header or mapping problems (nothing written), `empty_file`, `invalid_json`"),
    ...errors(401, 403),
    413: error("JSON over 20 MB: export a CSV instead"),
    415: error("`unsupported_media_type`: neither CSV nor JSON"),
  },
});

export const historyImportRoute = router().openapi(upload, async (c) => {
  const q = c.req.valid("query");
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!c.req.raw.body) throw badRequest("empty_file", "The file is empty");
  const p = c.var.principal;
  const opts = { ...q, timeZone: workspaceTz(c.env), createdBy: p.userId ?? p.kind };
  if (type === "text/csv") return c.json(await importHistory(c.var.db, { csv: c.req.raw.body }, opts), 201);
  if (type === "application/json") {
    if (Number(c.req.header("content-length") ?? 0) > MAX_JSON_BYTES)
      throw new ApiError(413, "body_too_large", `JSON over ${MAX_JSON_BYTES} bytes: export a CSV instead`);
    // Read with the cap as it streams: a chunked body (no Content-Length) was read whole first,
    // and one near the platform's 100 MB would exhaust the isolate before the size was checked.
    const data = await readJson(c.req.raw, MAX_JSON_BYTES);
    return c.json(await importHistory(c.var.db, { json: data }, opts), 201);
  }
  throw new ApiError(415, "unsupported_media_type", "Send a CSV (text/csv) or Delighted's JSON (application/json)");
});
