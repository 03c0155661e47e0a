/**
 * One page of the comments & follow-up queue (GET /api/v1/comments), newest or oldest first,
 * within the caller's scope.
 *
 * With a search (`q`), two ways to the same page (docs/SCALING.md, "The comment search"):
 * - **collect**: FTS5 finds every matching comment, then the page is the first `limit` of them in
 *   time order. FTS5 returns matches by rowid and builds the whole list of a prefix's matches
 *   before the first, so the cost follows the number of matches (a common phrase: a tenth of
 *   every comment), not the page.
 * - **walk**: the answers with a comment are read in the page's order through the index the list
 *   already walks, in windows sized by the share matched so far, and each comment is tested in
 *   the Worker with the index's own tokenizer redone in JavaScript (domain/ftsTokens.ts, proven
 *   equal character by character), until the page is full; then the page's rows are read by id.
 *   The cost follows the answers walked: about limit ÷ (share matching) of them.
 * Up to COLLECT_UP_TO answers the collect is cheap and one round trip: it serves. Above, the walk
 * goes first, and gives up for the collect (from the same cursor) when the page would need more
 * than walkBound(limit) answers at the share matched so far (a rare phrase), or at the first
 * comment or search word holding a character the JavaScript tokenizer is not proven on. Either
 * way the rows, their order and the cursor are the same (test/api/commentSearchStrategies.test.ts).
 * A manager's walk selects answers by the manager they carry and checks the accounts of the page
 * it found; if one is no longer theirs (a copy lagging a reassignment), the collect serves.
 */
import { and, eq, isNotNull, type SQL, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { commentMatcher } from "../db/queries/commentSearch";
import { type ResponseCursor, type ResponseOrder, responseOrderBy } from "../db/queries/responseCursor";
import { responseFilter } from "../db/queries/responseFilter";
import { categorySql } from "../db/queries/scoreCategory";
import { accounts, contacts, followups, responses, surveys, users } from "../db/schema";
import { responsesInScopeInTimeOrder } from "./scope";
import type { Db, Principal } from "../env";
import type { ResponseFilter } from "../schemas/comments";
import { inList } from "../db/queries/inList";

const owners = alias(users, "owners");

/** How a search page was read: `walk` or `collect` (above); `list` without a search. */
export type CommentsServedBy = "list" | "collect" | "walk";

export interface CommentsPageOptions {
  order: ResponseOrder;
  before: ResponseCursor | null;
  limit: number;
  /** Tests: force one way (`auto`, the default, walks first). */
  strategy?: "auto" | "collect" | "walk";
  /** Answers walked before giving up for the collect (default: walkBound(limit)). */
  walkBound?: number;
  /** `auto` collects without walking up to this many answers (default COLLECT_UP_TO). */
  collectUpTo?: number;
}

/**
 * The walk's bound: 40 answers per row of the page (a phrase in at least 1 comment in 40 fills a
 * page within it), at least 1,000 and at most 4,000. Past it, the collect: a rarer phrase costs
 * FTS5 what its words' lists cost, and a longer walk would cost about as much (docs/SCALING.md).
 */
export const walkBound = (limit: number) => Math.min(4000, Math.max(1000, 40 * limit));

/**
 * The first window walked: 16 answers per row of the page (a phrase in 1 comment in 16 fills the
 * page with it), within the bound; the next ones are sized from the share matched so far (with a
 * quarter more, and a page's worth, to spare).
 */
const firstWindow = (limit: number, bound: number) => Math.min(bound, 16 * limit);

/**
 * Up to this many answers (the largest rowid of `responses`), `auto` collects: FTS5's lists are
 * short (about 1 ms of SQLite for a phrase in a tenth of the comments at 100,000 answers), and the
 * collect is one round trip where the walk takes two (its windows, then the page's rows).
 */
const COLLECT_UP_TO = 100_000;

/**
 * `limit`: a number, or an SQL expression (gated, below): drizzle's builder writes either after
 * LIMIT (sqlite-core dialect, buildLimit), though its type says number.
 */
type Limit = number | SQL;

function pageQuery(db: Db, where: SQL | undefined, order: ResponseOrder, limit: Limit) {
  return db
    .select({
      responseId: responses.id,
      surveyId: responses.surveyId,
      score: responses.score,
      category: categorySql,
      comment: responses.comment,
      locale: responses.locale,
      channel: responses.channel,
      createdAt: responses.createdAt,
      // Named apart (`id`, `name` are in several tables): D1 returns a batch's rows as objects
      // keyed by column name, where two `id` columns would become one.
      contactId: sql<string | null>`${contacts.id}`.as("contact_id"),
      contactName: sql<string | null>`${contacts.name}`.as("contact_name"),
      contactEmail: contacts.email,
      accountId: sql<string | null>`${accounts.id}`.as("account_id"),
      accountName: sql<string | null>`${accounts.name}`.as("account_name"),
      followupStatus: followups.status,
      followupOwner: followups.ownerUserId,
      followupOwnerName: sql<string | null>`${owners.name}`.as("owner_name"),
      followupDueOn: followups.dueOn,
    })
    .from(responses)
    .innerJoin(surveys, eq(surveys.id, responses.surveyId))
    .leftJoin(contacts, eq(contacts.id, responses.contactId))
    .leftJoin(accounts, eq(accounts.id, responses.accountId))
    .leftJoin(followups, eq(followups.responseId, responses.id))
    .leftJoin(owners, eq(owners.id, followups.ownerUserId))
    .where(where)
    .orderBy(...responseOrderBy(order))
    .limit(limit as number);
}

export type CommentRow = Awaited<ReturnType<typeof pageQuery>>[number];

/** The answers walked: the page's order key and the comment, nothing more (they travel to the Worker). */
function windowQuery(db: Db, where: SQL | undefined, order: ResponseOrder, n: Limit) {
  return db
    .select({ id: responses.id, createdAt: responses.createdAt, comment: responses.comment })
    .from(responses)
    .innerJoin(surveys, eq(surveys.id, responses.surveyId))
    .leftJoin(followups, eq(followups.responseId, responses.id))
    .where(where)
    .orderBy(...responseOrderBy(order))
    .limit(n as number);
}

type Walked = { id: string; createdAt: Date; comment: string | null }[];

/**
 * The ids of the page's matching answers, in order, found by walking (above); null when the walk
 * gives up (a rare phrase, or a character the JavaScript tokenizer is not proven on). `first`:
 * the first window, when the caller read it already (`window(before)` with firstWindow(limit)).
 */
async function walkIds(
  window: (cursor: ResponseCursor | null, n: number) => Promise<Walked>,
  match: (comment: string) => boolean | null,
  opts: CommentsPageOptions,
  bound: number,
  first?: Walked,
): Promise<string[] | null> {
  const ids: string[] = [];
  let cursor = opts.before;
  let walked = 0;
  let n = firstWindow(opts.limit, bound);
  for (let rows = first ?? (await window(cursor, n)); ; rows = await window(cursor, n)) {
    for (const r of rows) {
      const m = match(r.comment ?? "");
      if (m === null) return null;
      if (m) {
        ids.push(r.id);
        if (ids.length === opts.limit) return ids;
      }
    }
    if (rows.length < n) return ids; // the end of the list: every answer seen
    walked += rows.length;
    // The answers still to walk at the share matched so far (a phrase not met yet counted as
    // met once): past the bound, the collect starts now rather than after the bound's reads.
    const toWalk = Math.ceil(((opts.limit - ids.length) * walked) / Math.max(ids.length, 1));
    if (walked + toWalk > bound) return null;
    n = Math.min(bound - walked, Math.ceil(toWalk * 1.25) + opts.limit);
    const last = rows.at(-1)!;
    cursor = { at: last.createdAt, id: last.id };
  }
}

/** One page of the list and how it was read. */
export async function commentsPage(
  db: Db,
  principal: Principal,
  filter: ResponseFilter,
  timeZone: string,
  opts: CommentsPageOptions,
): Promise<{ rows: CommentRow[]; servedBy: CommentsServedBy }> {
  const strategy = opts.strategy ?? "auto";
  const where = responseFilter(db, principal, filter, timeZone, { queue: true, before: opts.before, order: opts.order });
  const match = filter.q && strategy !== "collect" ? commentMatcher(filter.q) : null;
  if (!match) return { rows: await pageQuery(db, where, opts.order, opts.limit), servedBy: filter.q ? "collect" : "list" };
  // The walk's windows: the same filters without the search; a match needs a comment (which also
  // stands for the queue's condition, "a comment or a follow-up item").
  const rest = { ...filter, q: undefined };
  // `inTimeOrder`: the filters that could lead SQLite elsewhere are kept out of its index choice,
  // so that it walks a time index (docs/SCALING.md, "The comment search").
  const windowWhere = (cursor: ResponseCursor | null) =>
    and(
      isNotNull(responses.comment),
      responseFilter(db, principal, rest, timeZone, { before: cursor, order: opts.order, inTimeOrder: true, accountCheckedLater: true }),
    );
  const window = (cursor: ResponseCursor | null, n: number) => windowQuery(db, windowWhere(cursor), opts.order, n);
  const bound = opts.walkBound ?? walkBound(opts.limit);
  let first: Walked | undefined;
  if (strategy === "auto") {
    // One round trip: the size of `responses`, and either the collected page (up to
    // collectUpTo answers) or the walk's first window (above it). The other one's LIMIT is 0,
    // which SQLite checks before any read: a constant WHERE term was not enough, as a plan that
    // starts from FTS5's matches (a manager's scope) built their list first (39 ms at 1M).
    const upTo = opts.collectUpTo ?? COLLECT_UP_TO;
    const small = sql`(SELECT max(rowid) FROM ${responses}) <= ${upTo}`;
    const onlyIf = (condition: SQL, n: number) => sql`CASE WHEN ${condition} THEN ${n} ELSE 0 END`;
    const [size, collected, firstWindowRows] = await db.batch([
      db.select({ last: sql<number | null>`max(${responses}.rowid)` }).from(responses),
      pageQuery(db, where, opts.order, onlyIf(small, opts.limit)),
      windowQuery(db, windowWhere(opts.before), opts.order, onlyIf(sql`NOT ${small}`, firstWindow(opts.limit, bound))),
    ]);
    if ((size[0]?.last ?? 0) <= upTo) return { rows: collected, servedBy: "collect" };
    first = firstWindowRows;
  }
  const ids = await walkIds(window, match, opts, bound, first);
  if (ids) {
    // A manager's walk found answers by the manager they carry; the page is read with the full
    // scope, which checks each one's account. Should one fail (its copy lagging a reassignment),
    // the collect answers the page instead.
    const rows = ids.length
      ? await pageQuery(db, and(inList(responses.id, ids), responsesInScopeInTimeOrder(db, principal, { only: "account" })), opts.order, opts.limit)
      : [];
    if (rows.length === ids.length) return { rows, servedBy: "walk" };
  }
  return { rows: await pageQuery(db, where, opts.order, opts.limit), servedBy: "collect" };
}
