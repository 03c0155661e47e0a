/** Reading contacts: the ones a caller may see, and the list (filtered, searched, by id). */
import { sql, type SQL } from "drizzle-orm";
import { nameMatches, trigramQuery } from "../db/queries/nameSearch";
import { contacts } from "../db/schema";
import type { Db, Principal } from "../env";
import { decodeCursor, encodeCursor } from "../lib/cursor";
import { contactView } from "./contacts";
import { contactsInScope } from "./scope";

export interface ContactFilter {
  q?: string;
  accountId?: string;
  limit: number;
  before?: string;
}

/**
 * One page of the contacts a caller may see, by id. Without a search (or with one of fewer than
 * 3 characters: db/queries/nameSearch.ts) the page walks the primary key in id order; with a
 * search the trigram index answers, its matches are read by rowid and sorted. The id is then
 * written `+id`, which no index can order or bound, so SQLite cannot choose to walk the ids (which
 * would read every contact to fill a page of a rare name). It does not choose to today, on the
 * test or bench databases; `+id` keeps it so whatever its estimates. It may start from an
 * account's contacts (contacts_account_idx), also bounded; test/api/queryPlans.test.ts.
 */
export async function listContacts(db: Db, p: Principal, f: ContactFilter) {
  const where: SQL[] = [sql`1 = 1`];
  const scope = contactsInScope(p);
  if (scope) where.push(scope);
  if (f.accountId) where.push(sql`${contacts.accountId} = ${f.accountId}`);
  if (f.q) where.push(nameMatches("contacts_fts", sql`${contacts}.rowid`, [contacts.name, contacts.email, contacts.externalId], f.q));
  const searched = f.q !== undefined && trigramQuery(f.q) !== null;
  const id = searched ? sql`+${contacts.id}` : contacts.id;
  const cursor = decodeCursor(f.before, 1);
  if (cursor) where.push(sql`${id} > ${cursor[0]}`);
  const rows = await db
    .select()
    .from(contacts)
    .where(sql.join(where, sql` AND `))
    .orderBy(id)
    .limit(f.limit + 1)
    .all();
  const more = rows.length > f.limit;
  const page = more ? rows.slice(0, f.limit) : rows;
  return { data: page.map(contactView), next: more ? encodeCursor([page.at(-1)!.id]) : null };
}
