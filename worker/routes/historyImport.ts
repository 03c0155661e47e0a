/**
 * History import (admin): past answers from another tool, with their own dates.
 *   POST /api/v1/imports/history?surveyId=…&source=delighted|formbricks|typeform|generic
 *        [&columns={"Header":"email|score|comment|date|name|id|ignore|property:<key>",…}]
 *        [&accountProperty=<key>][&segmentProperty=<key>]
 *   body: text/csv (any source), or application/json (Delighted's API JSON: an array of survey
 *   responses, `expand[]=person` or not)
 * Answers the finished report: {okRows, created, unchanged, errorRows, errors:[{row, field, code, message}]}.
 * docs/IMPORT.md, "History".
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { workspaceTz } from "../lib/timezone";
import { ApiError, badRequest } from "../lib/errors";
import { parseQuery } from "../lib/validate";
import { requireAuth } from "../middleware/auth";
import { importHistory } from "../services/historyImport";
import { HistoryQuerySchema } from "../schemas/historyImport";

/** Delighted's JSON is parsed whole; a CSV streams (any size up to the row limit). */
const MAX_JSON_BYTES = 20 * 1024 * 1024;

export const historyImportRoute = new Hono<AppEnv>().post("/", requireAuth("admin"), async (c) => {
  const q = parseQuery(c, HistoryQuerySchema);
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!c.req.raw.body) throw badRequest("empty_file", "The file is empty");
  const p = c.var.principal;
  const opts = { ...q, timeZone: workspaceTz(c.env), createdBy: p.userId ?? p.kind };
  if (type === "text/csv") return c.json(await importHistory(c.var.db, { csv: c.req.raw.body }, opts), 201);
  if (type === "application/json") {
    if (Number(c.req.header("content-length") ?? 0) > MAX_JSON_BYTES) throw new ApiError(413, "body_too_large", `JSON over ${MAX_JSON_BYTES} bytes: export a CSV instead`);
    const text = await c.req.text();
    if (text.length > MAX_JSON_BYTES) throw new ApiError(413, "body_too_large", `JSON over ${MAX_JSON_BYTES} bytes: export a CSV instead`);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw badRequest("invalid_json", "Body is not valid JSON");
    }
    return c.json(await importHistory(c.var.db, { json: data }, opts), 201);
  }
  throw new ApiError(415, "unsupported_media_type", "Send a CSV (text/csv) or Delighted's JSON (application/json)");
});
