/**
 * CSV imports (admin):
 *   POST /api/v1/imports/accounts   body: text/csv   → the finished job (status done|failed)
 *   POST /api/v1/imports/contacts   body: text/csv
 *   GET  /api/v1/imports            the 20 latest jobs
 *   GET  /api/v1/imports/:id        one job: progress while it runs (poll), report when done
 * The upload is processed while it streams in; another tab can poll the job meanwhile.
 */
import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError, notFound } from "../lib/errors";
import { requireAuth } from "../middleware/auth";
import { IMPORT_KINDS, type ImportKind } from "../schemas/imports";
import { getImportJob, importCsv, recentImports } from "../services/csvImport";
import { workspaceToday } from "../lib/timezone";

export const importsRoute = new Hono<AppEnv>()
  .post("/:kind", requireAuth("admin"), async (c) => {
    const kind = c.req.param("kind") as ImportKind;
    if (!IMPORT_KINDS.includes(kind)) throw notFound("Import kind");
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "text/csv") throw new ApiError(415, "unsupported_media_type", "Send the file as Content-Type: text/csv");
    if (!c.req.raw.body) throw new ApiError(400, "empty_file", "The file is empty: the first line must name the columns");
    const p = c.var.principal;
    const job = await importCsv(c.var.db, kind, c.req.raw.body, { today: workspaceToday(c.env), createdBy: p.userId ?? p.kind });
    return c.json(job, 201);
  })
  .get("/", requireAuth("admin"), async (c) => {
    const ids = await recentImports(c.var.db);
    const jobs = await Promise.all(ids.map((r) => getImportJob(c.var.db, r.id)));
    return c.json({ data: jobs.filter((j) => j !== null) });
  })
  .get("/:id", requireAuth("admin"), async (c) => {
    const job = await getImportJob(c.var.db, c.req.param("id"));
    if (!job) throw notFound("Import");
    return c.json(job);
  });
