/**
 * One page of the responses CSV export: every column of the file, newest first, for a WHERE built
 * by responseFilter (which merges the page's cursor with `to` into one upper bound, so each page
 * seeks in `responses_survey_created_idx` instead of re-reading the pages already sent).
 */
import { desc, eq, type SQL } from "drizzle-orm";
import type { Db } from "../../env";
import { accounts, contacts, followups, responses, surveys } from "../schema";
import { categorySql } from "./scoreCategory";

export function exportRows(db: Db, where: SQL | undefined, limit: number) {
  return db
    .select({
      id: responses.id,
      createdAt: responses.createdAt,
      surveyId: responses.surveyId,
      surveyName: surveys.name,
      score: responses.score,
      category: categorySql,
      comment: responses.comment,
      locale: responses.locale,
      channel: responses.channel,
      contactId: responses.contactId,
      contactExternalId: contacts.externalId,
      contactName: contacts.name,
      contactEmail: contacts.email,
      accountId: responses.accountId,
      accountExternalId: accounts.externalId,
      accountName: accounts.name,
      segment: responses.segment,
      managerUserId: responses.managerUserId,
      followupStatus: followups.status,
    })
    .from(responses)
    .innerJoin(surveys, eq(surveys.id, responses.surveyId))
    .leftJoin(contacts, eq(contacts.id, responses.contactId))
    .leftJoin(accounts, eq(accounts.id, responses.accountId))
    .leftJoin(followups, eq(followups.responseId, responses.id))
    .where(where)
    .orderBy(desc(responses.createdAt), desc(responses.id))
    .limit(limit);
}
