/**
 * CSV imports (admins): a `text/csv` body is processed while it streams in (never held whole in
 * memory), and the answer is the finished job; another tab can poll the job meanwhile.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { ApiError, notFound } from "../lib/errors";
import { error, errors, json, KEY_OR_SESSION, params, router } from "../lib/openapi";
import { workspaceToday } from "../lib/timezone";
import { requireAuth } from "../middleware/auth";
import { IMPORT_KINDS, ImportJobSchema, type ImportKind } from "../schemas/imports";
import { getImportJob, importCsv, recentImports } from "../services/csvImport";

const tags = ["imports"];

const upload = createRoute({
  method: "post",
  path: "/{kind}",
  summary: "Import accounts or contacts from a CSV body (`Content-Type: text/csv`), streamed; columns in docs/IMPORT.md",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: {
    // Plain string, not an enum: an unknown kind is a 404 (no such collection), not a 400.
    params: z.object({ kind: z.string().openapi({ enum: [...IMPORT_KINDS] }) }),
    // Not JSON: no validator reads it, so the handler streams the raw body through the CSV parser.
    body: {
      required: true,
      content: { "text/csv": { schema: z.string().openapi({ description: "RFC 4180; the first line names the columns" }) } },
    },
  },
  responses: {
    201: json(ImportJobSchema, "The finished job: `done` (rows written, bad rows reported) or `failed`"),
    400: error("Header refused (`unknown_column`, `missing_column`, `duplicate_column`, `empty_file`): nothing written"),
    ...errors(401, 403, 404),
    415: error("`unsupported_media_type`: not text/csv"),
  },
});

const list = createRoute({
  method: "get",
  path: "/",
  summary: "The 20 latest import jobs (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  responses: { 200: json(z.object({ data: z.array(ImportJobSchema) }), "Newest first"), ...errors(401, 403) },
});

const get = createRoute({
  method: "get",
  path: "/{importId}",
  summary: "One import job: progress while it runs, per-row report when done (admins)",
  tags,
  security: KEY_OR_SESSION,
  middleware: [requireAuth("admin")] as const,
  request: { params: params("importId") },
  responses: { 200: json(ImportJobSchema, "The job"), ...errors(401, 403, 404) },
});

export const importsRoute = router()
  .openapi(upload, async (c) => {
    const kind = c.req.valid("param").kind as ImportKind;
    if (!IMPORT_KINDS.includes(kind)) throw notFound("Import kind");
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "text/csv") throw new ApiError(415, "unsupported_media_type", "Send the file as Content-Type: text/csv");
    if (!c.req.raw.body) throw new ApiError(400, "empty_file", "The file is empty: the first line must name the columns");
    const p = c.var.principal;
    const job = await importCsv(c.var.db, kind, c.req.raw.body, { today: workspaceToday(c.env), createdBy: p.userId ?? p.kind });
    // importCsv reads back the job it just wrote; only a concurrent erasure could remove it.
    if (!job) throw notFound("Import");
    return c.json(job, 201);
  })
  .openapi(list, async (c) => {
    const ids = await recentImports(c.var.db);
    const jobs = await Promise.all(ids.map((r) => getImportJob(c.var.db, r.id)));
    return c.json({ data: jobs.filter((j) => j !== null) }, 200);
  })
  .openapi(get, async (c) => {
    const job = await getImportJob(c.var.db, c.req.valid("param").importId);
    if (!job) throw notFound("Import");
    return c.json(job, 200);
  });
