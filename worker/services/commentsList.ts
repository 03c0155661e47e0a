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
 *   already walks, in growing batches, and each comment is tested in the Worker with the index's
 *   own tokenizer redone in JavaScript (domain/ftsTokens.ts, proven equal character by
 *   character), until the page is full. The cost follows the answers walked: about
 *   limit ÷ (share matching) of them.
 * The walk goes first, and gives up for the collect (from the same cursor) after WALK_BOUND
 * answers without a full page (a rare phrase, which FTS5 collects cheaply), or at the first
 * comment or query word holding a character the JavaScript tokenizer is not proven on. Either
 * way the rows, their order and the cursor are the same (test/api/commentSearchStrategies.test.ts).
 */
import { and, eq, inArray, isNotNull, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { commentMatcher } from "../db/queries/commentSearch";
import { type ResponseCursor, type ResponseOrder, responseOrderBy } from "../db/queries/responseCursor";
import { responseFilter } from "../db/queries/responseFilter";
import { categorySql } from "../db/queries/scoreCategory";
import { accounts, contacts, followups, responses, surveys, users } from "../db/schema";
import type { Db, Principal } from "../env";
import type { ResponseFilter } from "../schemas/comments";

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
}

/**
 * The walk's bound: 40 answers per row of the page (a phrase in at least 1 comment in 40 fills a
 * page within it), at least 1,000 and at most 4,000. Past it the collect is cheap enough: few
 * matches.
 */
export const walkBound = (limit: number) => Math.min(4000, Math.max(1000, 40 * limit));

/** The first batch walked, in rows per row of the page; each next batch is 4 times the last. */
const FIRST_BATCH_PER_ROW = 8;

function selectPage(db: Db, where: SQL | undefined, order: ResponseOrder, limit: number) {
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
      contactId: contacts.id,
      contactName: contacts.name,
      contactEmail: contacts.email,
      accountId: accounts.id,
      accountName: accounts.name,
      followupStatus: followups.status,
      followupOwner: followups.ownerUserId,
      followupOwnerName: owners.name,
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
    .limit(limit)
    .all();
}

export type CommentRow = Awaited<ReturnType<typeof selectPage>>[number];

/**
 * The ids of the page's matching answers, in order, found by walking (above); null when the walk
 * gives up (bound reached, or a character the JavaScript tokenizer is not proven on).
 */
async function walkIds(
  db: Db,
  principal: Principal,
  filter: ResponseFilter,
  timeZone: string,
  match: (comment: string) => boolean | null,
  opts: CommentsPageOptions,
  bound: number,
): Promise<string[] | null> {
  // The same filters without the search; a match needs a comment (which also stands for the
  // queue's condition, "a comment or a follow-up item").
  const rest = { ...filter, q: undefined };
  const ids: string[] = [];
  let cursor = opts.before;
  let walked = 0;
  let batch = FIRST_BATCH_PER_ROW * opts.limit;
  for (;;) {
    const n = Math.min(batch, bound - walked);
    if (n <= 0) return null;
    const rows = await db
      .select({ id: responses.id, createdAt: responses.createdAt, comment: responses.comment })
      .from(responses)
      .innerJoin(surveys, eq(surveys.id, responses.surveyId))
      .leftJoin(followups, eq(followups.responseId, responses.id))
      .where(and(isNotNull(responses.comment), responseFilter(db, principal, rest, timeZone, { before: cursor, order: opts.order })))
      .orderBy(...responseOrderBy(opts.order))
      .limit(n)
      .all();
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
    const last = rows.at(-1)!;
    cursor = { at: last.createdAt, id: last.id };
    batch *= 4;
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
  const match = filter.q && strategy !== "collect" ? commentMatcher(filter.q) : null;
  if (match) {
    const ids = await walkIds(db, principal, filter, timeZone, match, opts, opts.walkBound ?? walkBound(opts.limit));
    if (ids) {
      const rows = ids.length ? await selectPage(db, inArray(responses.id, ids), opts.order, opts.limit) : [];
      return { rows, servedBy: "walk" };
    }
  }
  const where = responseFilter(db, principal, filter, timeZone, { queue: true, before: opts.before, order: opts.order });
  return { rows: await selectPage(db, where, opts.order, opts.limit), servedBy: filter.q ? "collect" : "list" };
}
