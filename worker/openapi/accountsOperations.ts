/** OpenAPI entries of accounts, contacts, CSV imports, waves, bounces and GDPR (docs/ACCOUNTS.md, IMPORT.md, WAVES.md). */
import { z } from "zod";
import { BounceSchema } from "../routes/email";
import { WavesListQuery } from "../routes/waves";
import { AccountListQuery, AccountUpsertSchema, MAX_BULK_ROWS, PatchAccountSchema } from "../schemas/accounts";
import { ContactListQuery, ContactUpsertSchema, PatchContactSchema } from "../schemas/contacts";
import type { Operation } from "./operation";

// The routes check bulk rows one by one (per-row results); the document shows the row shape.
const AccountBulkDoc = z.object({ accounts: z.array(AccountUpsertSchema).min(1).max(MAX_BULK_ROWS) }).strict();
const ContactBulkDoc = z.object({ contacts: z.array(ContactUpsertSchema).min(1).max(MAX_BULK_ROWS) }).strict();

const read = { 401: "Missing or wrong API key", 404: "Not found (or another manager's)" };
const write = { 400: "Invalid input (`invalid_field` naming the field, `invalid_date`, `unknown_user`…)", 401: read[401], 403: "Admins only", 404: "Not found" };
const bulk = { 200: "`{ created, updated, unchanged, errors, results: [{ index, externalId, status, id | error }] }`", 400: "Envelope invalid (over 1,000 rows…)", 401: read[401], 403: "Admins only", 413: "Body over 2 MB" };
const csv = { 201: "The finished job `{ id, kind, status: done|failed, processedRows, okRows, errorRows, errors: [{ row, field, code, message }] }`", 400: "Header refused (`unknown_column`, `missing_column`, `duplicate_column`, `empty_file`): nothing written", 401: read[401], 403: "Admins only", 415: "Not text/csv" };

export const accountsOperations: Operation[] = [
  { method: "get", path: "/api/v1/accounts", summary: "Accounts with their latest NPS standing (lastScore, change, atRisk), filtered, by name, cursor-paginated; managers see theirs only (another manager's `?manager=` is 403)", tag: "accounts", auth: "key", query: AccountListQuery, responses: { 200: "`{ data: Account[], next }`", 400: "Invalid query", 401: read[401], 403: "A manager filtering by another manager" } },
  { method: "get", path: "/api/v1/accounts/{accountId}", summary: "An account with its contacts, response history and MRR history", tag: "accounts", auth: "key", responses: { 200: "Account + `contacts[]`, `responses[]`, `mrrHistory[]`", ...read } },
  { method: "patch", path: "/api/v1/accounts/{accountId}", summary: "Change an account (admins); MRR changes append to its history, manager/segment changes re-attribute its responses", tag: "accounts", auth: "key", body: PatchAccountSchema, responses: { 200: "The account", 409: "External id used by another account", ...write } },
  { method: "post", path: "/api/v1/accounts/bulk", summary: "Upsert up to 1,000 accounts by external id (admins); valid rows written, bad rows reported", tag: "accounts", auth: "key", body: AccountBulkDoc, responses: bulk },
  { method: "get", path: "/api/v1/contacts", summary: "Contacts (`?accountId&q&limit&before`); managers see their accounts' contacts only", tag: "contacts", auth: "key", query: ContactListQuery, responses: { 200: "`{ data: Contact[], next }`", 400: "Invalid query", 401: read[401] } },
  { method: "get", path: "/api/v1/contacts/{contactId}", summary: "A contact", tag: "contacts", auth: "key", responses: { 200: "The contact", ...read } },
  { method: "patch", path: "/api/v1/contacts/{contactId}", summary: "Change a contact (admins), including `unsubscribed`", tag: "contacts", auth: "key", body: PatchContactSchema, responses: { 200: "The contact", 409: "Email or external id used by another contact", ...write } },
  { method: "post", path: "/api/v1/contacts/bulk", summary: "Upsert up to 1,000 contacts by external id (admins); valid rows written, bad rows reported", tag: "contacts", auth: "key", body: ContactBulkDoc, responses: bulk },
  { method: "get", path: "/api/v1/contacts/{contactId}/export", summary: "GDPR access: everything held on the person (admins, or the account's manager)", tag: "gdpr", auth: "key", responses: { 200: "`{ contact, account, responses, followups, followupNotes, dismissals, invitations }`", 403: "Viewers", ...read } },
  { method: "post", path: "/api/v1/contacts/{contactId}/erase", summary: "GDPR erasure (admins): responses, follow-ups, dismissals, invitations and the contact, in one transaction; audited without personal data", tag: "gdpr", auth: "key", responses: { 200: "`{ erased, id, responses, dismissals, invitations }`", 403: "Admins only", ...read } },
  { method: "post", path: "/api/v1/imports/accounts", summary: "Import accounts from a CSV body (`Content-Type: text/csv`), streamed; columns in docs/IMPORT.md", tag: "imports", auth: "key", bodyType: "text/csv", responses: csv },
  { method: "post", path: "/api/v1/imports/contacts", summary: "Import contacts from a CSV body (`Content-Type: text/csv`), streamed; columns in docs/IMPORT.md", tag: "imports", auth: "key", bodyType: "text/csv", responses: csv },
  { method: "get", path: "/api/v1/imports", summary: "The 20 latest import jobs (admins)", tag: "imports", auth: "key", responses: { 200: "`{ data: Job[] }`", 401: read[401], 403: "Admins only" } },
  { method: "get", path: "/api/v1/imports/{importId}", summary: "One import job: progress while it runs, per-row report when done (admins)", tag: "imports", auth: "key", responses: { 200: "The job", 403: "Admins only", ...read } },
  { method: "get", path: "/api/v1/waves", summary: "Survey waves with invited, delivered, bounced, responded and response rate (a manager's counts cover their accounts)", tag: "waves", auth: "key", query: WavesListQuery, responses: { 200: "`{ data: Wave[] }`", 401: read[401] } },
  { method: "get", path: "/api/v1/waves/{waveId}/invitations.csv", summary: "Invitations as CSV for a mailing tool: email, name, locale, account, personal link, unsubscribe link, status (admins)", tag: "waves", auth: "key", responses: { 200: "text/csv", 403: "Admins only", ...read } },
  { method: "post", path: "/api/v1/waves/{waveId}/mark-sent", summary: "Mark the wave's pending invitations as sent, after sending the CSV through a mailing tool (admins)", tag: "waves", auth: "key", responses: { 200: "`{ marked }`", 403: "Admins only", ...read } },
  { method: "post", path: "/api/v1/email/bounces", summary: "Bounces from the email provider, authenticated by the shared secret EMAIL_WEBHOOK_SECRET (Bearer)", tag: "waves", auth: "public", body: BounceSchema, responses: { 200: "`{ recorded, unknown }`", 400: "Invalid input", 401: "Wrong secret", 404: "No secret configured" } },
];
