/**
 * Response shapes the server does not declare yet (their routes are still validated by hand) and
 * page-side helpers. Declared routes type their responses through hc<AppType> (api.ts unwrap).
 */
export interface CommentRow {
  responseId: string;
  surveyId: string;
  score: number;
  category: string | null;
  comment: string | null;
  locale: string;
  channel: string;
  createdAt: string;
  contact: { id: string; name: string | null; email: string | null } | null;
  account: { id: string; name: string } | null;
  followup: { status: "open" | "contacted" | "resolved"; ownerUserId: string | null; notes: { id?: string; body: string; createdAt?: string; authorUserId?: string | null; authorName?: string | null }[] } | null;
}

export interface AccountRow {
  id: string;
  externalId: string | null;
  name: string;
  managerUserId: string | null;
  segment: string | null;
  plan: string | null;
  mrrCents: number;
  startedOn: string;
  churnedOn: string | null;
  lastScore: number | null;
  lastCategory: string | null;
  previousScore: number | null;
  change: number | null;
  atRisk: boolean;
  lastResponseAt: string | null;
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: "admin" | "manager" | "viewer";
  disabledAt?: string | null;
  locale?: string;
}

/** What managers and viewers get from GET /users: no e-mail (admins get full rows). */
export type Person = Pick<UserRow, "id" | "name" | "role"> & { email?: string };

/** A person's label in pickers: their name, else the e-mail (admins only see it), else the id. */
export const personLabel = (u: Person) => u.name || u.email || u.id;
