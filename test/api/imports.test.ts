import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { readCsv } from "../../worker/services/csv";
import { ADMIN, api } from "../helpers";
import { bulkAccounts, makeUser, uniq } from "./accounts.fixtures";

/** A stream that delivers `text` in pieces of `size` bytes (splits CRLF, quotes, multi-byte chars). */
function streamOf(text: string, size: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  return new ReadableStream({
    pull(ctl) {
      if (at >= bytes.length) return ctl.close();
      ctl.enqueue(bytes.slice(at, at + size));
      at += size;
    },
  });
}

async function parse(text: string, size = 3) {
  const out = [];
  for await (const r of readCsv(streamOf(text, size), { maxFieldChars: 50, maxRecordChars: 200 })) out.push(r);
  return out;
}

describe("streaming CSV reader", () => {
  it("reads quotes, doubled quotes, commas and line breaks in quotes, CRLF, BOM, blank lines, at any chunk size", async () => {
    const text = '\uFEFFa,b,c\r\n"x, y","he said ""hi""","line1\r\nline2"\r\n\r\nplain,,é\n"last",2,3';
    for (const size of [1, 2, 3, 7, 1000]) {
      expect(await parse(text, size), `chunk ${size}`).toEqual([
        { row: 1, fields: ["a", "b", "c"], separator: "," },
        { row: 2, fields: ["x, y", 'he said "hi"', "line1\r\nline2"], separator: "," },
        { row: 3, fields: ["plain", "", "é"], separator: "," },
        { row: 4, fields: ["last", "2", "3"], separator: "," },
      ]);
    }
  });

  it("reports a stray quote or text after a closing quote on that row and carries on", async () => {
    const rows = await parse('a,b\nx"y,1\n"q"z,2\nok,3\n');
    expect(rows[1]).toMatchObject({ row: 2, error: { code: "malformed_csv" } });
    expect(rows[2]).toMatchObject({ row: 3, error: { code: "malformed_csv" } });
    expect(rows[3]).toEqual({ row: 4, fields: ["ok", "3"], separator: "," });
  });

  it("reads a French Excel file: the header's first ; makes ; the separator, commas are then text", async () => {
    const text = '\uFEFFexternal_id;name;mrr\r\nA-1;"Dupont; fils";1234,50\r\nA-2;Globex, Inc.;99\r\n';
    for (const size of [1, 4, 1000]) {
      expect(await parse(text, size), `chunk ${size}`).toEqual([
        { row: 1, fields: ["external_id", "name", "mrr"], separator: ";" },
        { row: 2, fields: ["A-1", "Dupont; fils", "1234,50"], separator: ";" },
        { row: 3, fields: ["A-2", "Globex, Inc.", "99"], separator: ";" },
      ]);
    }
    // A one-column header decides nothing: the comma stays the separator.
    expect((await parse("name\nx,y\n"))[1]).toEqual({ row: 2, fields: ["x", "y"], separator: "," });
  });

  it("refuses an unterminated quote", async () => {
    await expect(parse('a,b\n"open,1\n2,3\n')).rejects.toMatchObject({ code: "malformed_csv", row: 2 });
  });
});

const importCsv = (kind: string, csv: string, headers: Record<string, string> = ADMIN) =>
  api(`/api/v1/imports/${kind}`, { method: "POST", raw: csv, headers: { ...headers, "content-type": "text/csv; charset=utf-8" } });

describe("CSV import", () => {
  it("imports a ;-separated file with decimal commas (French Excel), and reports its bad rows", async () => {
    const t = uniq("fr");
    const csv = [
      "external_id;name;started_on;mrr;segment",
      `${t}-1;Dupont, fils;2025-01-15;1234,50;PME`,
      `${t}-2;Bad;2025-02-30;10;PME`,
      `${t}-3;Bad mrr;2025-01-01;12,345;PME`,
      `${t}-4;Point;2025-01-01;99.5;PME`,
    ].join("\r\n");
    const r = await importCsv("accounts", csv);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: "done", processedRows: 4, okRows: 2, errorRows: 2 });
    expect(r.body.errors.map((e: { row: number; field: string; code: string }) => [e.row, e.field, e.code])).toEqual([
      [3, "started_on", "invalid_date"],
      [4, "mrr", "invalid_number"],
    ]);
    expect(r.body.errors[1].message).toContain("1234,50");
    const rows = await env.DB.prepare("SELECT name, mrr_cents FROM accounts WHERE external_id IN (?, ?) ORDER BY external_id")
      .bind(`${t}-1`, `${t}-4`)
      .all<{ name: string; mrr_cents: number }>();
    expect(rows.results).toEqual([
      { name: "Dupont, fils", mrr_cents: 123450 },
      { name: "Point", mrr_cents: 9950 },
    ]);
  });

  it("keeps the valid rows, skips the bad ones with a per-row report naming row and field", async () => {
    const mgr = await makeUser("manager");
    const t = uniq("imp");
    const csv = [
      "external_id,name,started_on,mrr,segment,manager_email,churned_on",
      `${t}-1,Acme,2025-01-15,1234.50,smb,${mgr.email},`,
      `${t}-2,"Globex, Inc.",2025-02-01,99,enterprise,,2026-01-01`,
      `${t}-3,Bad date,2025-02-30,10,smb,,`,
      `${t}-4,Bad number,2025-02-01,12.345,smb,,`,
      `${t}-5,Bad number 2,2025-02-01,1e3,smb,,`,
      `${t}-1,Duplicate,2025-01-15,1,smb,,`,
      `${t}-6,Too few fields,2025-01-01`,
      `${t}-7,Ghost manager,2025-01-01,1,smb,ghost@nowhere.test,`,
      `${t}-8,Churn first,2025-05-01,1,smb,,2025-04-01`,
      `${t}-9,Stray"quote,2025-05-01,1,smb,,`,
      `,No id,2025-05-01,1,smb,,`,
      `${t}-10,Fine,2025-03-01,,,,`,
    ].join("\r\n");
    const res = await importCsv("accounts", csv);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: "done", processedRows: 12, okRows: 3, errorRows: 9 });
    const byRow = Object.fromEntries(res.body.errors.map((e: any) => [e.row, e]));
    expect(byRow[4]).toMatchObject({ field: "started_on", code: "invalid_date" });
    expect(byRow[5]).toMatchObject({ field: "mrr", code: "invalid_number" });
    expect(byRow[6]).toMatchObject({ field: "mrr", code: "invalid_number" });
    expect(byRow[7]).toMatchObject({ field: "external_id", code: "duplicate_external_id", message: expect.stringContaining("row 2") });
    expect(byRow[8]).toMatchObject({ code: "field_count" });
    expect(byRow[9]).toMatchObject({ field: "manager_email", code: "unknown_user" });
    expect(byRow[10]).toMatchObject({ field: "churned_on", code: "invalid_date" });
    expect(byRow[11]).toMatchObject({ code: "malformed_csv" });
    expect(byRow[12]).toMatchObject({ field: "external_id", code: "required" });

    const stored = await env.DB.prepare(
      "SELECT external_id, name, mrr_cents, segment, manager_user_id, churned_on FROM accounts WHERE external_id LIKE ? ORDER BY external_id",
    )
      .bind(`${t}-%`)
      .all();
    // Exactly the three valid rows, whole; the first of the duplicated ids won.
    expect(stored.results).toEqual([
      { external_id: `${t}-1`, name: "Acme", mrr_cents: 123450, segment: "smb", manager_user_id: mgr.id, churned_on: null },
      { external_id: `${t}-10`, name: "Fine", mrr_cents: 0, segment: null, manager_user_id: null, churned_on: null },
      { external_id: `${t}-2`, name: "Globex, Inc.", mrr_cents: 9900, segment: "enterprise", manager_user_id: null, churned_on: "2026-01-01" },
    ]);
    const mrr = await env.DB.prepare("SELECT count(*) AS n FROM account_mrr m JOIN accounts a ON a.id = m.account_id WHERE a.external_id LIKE ?")
      .bind(`${t}-%`)
      .first<{ n: number }>();
    expect(mrr!.n).toBe(3);

    // The upload's answer also says which separator the header used; the stored job is the rest.
    const polled = await api(`/api/v1/imports/${res.body.id}`, { headers: ADMIN });
    const { separator, ...job } = res.body;
    expect(separator).toBe(",");
    expect(polled.body).toEqual(job);
    const list = await api(`/api/v1/imports`, { headers: ADMIN });
    expect(list.body.data.map((j: any) => j.id)).toContain(res.body.id);
  });

  it("imports contacts linked to accounts, refusing unknown accounts, bad emails and duplicate emails", async () => {
    const t = uniq("cimp");
    await bulkAccounts([{ externalId: `${t}-acc`, name: "Acc", startedOn: "2025-01-01" }]);
    const csv = [
      "\uFEFFexternal_id,email,name,locale,account_external_id",
      `${t}-1,${t}-1@x.test,Ann,fr,${t}-acc`,
      `${t}-2,${t}-2@x.test,Bob,en,${t}-nope`,
      `${t}-3,not-an-email,Cy,en,${t}-acc`,
      `${t}-4,${t}-1@X.test,Dup email,en,${t}-acc`,
      `${t}-5,,No email,english,${t}-acc`,
      `${t}-6,,"Quoted ""name""",,`,
    ].join("\n");
    const res = await importCsv("contacts", csv);
    expect(res.body).toMatchObject({ status: "done", processedRows: 6, okRows: 2, errorRows: 4 });
    const fields = res.body.errors.map((e: any) => [e.row, e.field, e.code]);
    expect(fields).toEqual([
      [4, "email", "invalid_email"],
      [5, "email", "duplicate_email"],
      [6, "locale", "invalid_locale"],
      [3, "account_external_id", "unknown_account"],
    ]);
    const stored = await env.DB.prepare(
      "SELECT c.external_id, c.email, c.name, c.locale, a.external_id AS acc FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.external_id LIKE ? ORDER BY c.external_id",
    )
      .bind(`${t}-%`)
      .all();
    expect(stored.results).toEqual([
      { external_id: `${t}-1`, email: `${t}-1@x.test`, name: "Ann", locale: "fr", acc: `${t}-acc` },
      { external_id: `${t}-6`, email: null, name: 'Quoted "name"', locale: null, acc: null },
    ]);
  });

  it("refuses the whole file on a bad header, before writing anything", async () => {
    const before = await env.DB.prepare("SELECT (SELECT count(*) FROM accounts) AS a, (SELECT count(*) FROM import_jobs) AS j").first();
    const unknown = await importCsv("accounts", "external_id,name,started_on,colour\nx,y,2025-01-01,red\n");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ code: "unknown_column", field: "colour" });
    const missing = await importCsv("accounts", "external_id,name\nx,y\n");
    expect(missing.body.error).toMatchObject({ code: "missing_column", field: "started_on" });
    const twice = await importCsv("contacts", "external_id,email,EMAIL\n");
    expect(twice.body.error).toMatchObject({ code: "duplicate_column", field: "email" });
    const empty = await importCsv("contacts", "");
    expect(empty.body.error.code).toBe("empty_file");
    const wrongType = await api("/api/v1/imports/accounts", { method: "POST", raw: "a", headers: { ...ADMIN, "content-type": "application/json" } });
    expect(wrongType.status).toBe(415);
    const after = await env.DB.prepare("SELECT (SELECT count(*) FROM accounts) AS a, (SELECT count(*) FROM import_jobs) AS j").first();
    expect(after).toEqual(before);
  });

  it("stops at an unterminated quote: job failed, rows before it kept whole, nothing after it", async () => {
    const t = uniq("unterm");
    const csv = `external_id,name,started_on\n${t}-1,Ok,2025-01-01\n${t}-2,"Open quote,2025-01-01\n${t}-3,Never,2025-01-01\n`;
    const res = await importCsv("accounts", csv);
    expect(res.body).toMatchObject({ status: "failed", okRows: 1 });
    expect(res.body.errors.at(-1)).toMatchObject({ row: 3, code: "malformed_csv" });
    const stored = await env.DB.prepare("SELECT external_id FROM accounts WHERE external_id LIKE ?").bind(`${t}-%`).all();
    expect(stored.results).toEqual([{ external_id: `${t}-1` }]);
  });

  it("is admin only", async () => {
    const res = await importCsv("accounts", "external_id,name,started_on\n", {});
    expect(res.status).toBe(401);
  });
});
