/**
 * Typed calls to the Worker through `hc<AppType>`: queries, bodies and responses come from the
 * routes' own definitions, so a change of shape on the server breaks `npm run typecheck` here.
 */
import type { InferRequestType } from "hono/client";
import { client, unwrap, withQuery } from "./api";

const v1 = client.api.v1;
type Query<F> = InferRequestType<F> extends { query: infer Q } ? Q : never;
type Body<F> = InferRequestType<F> extends { json: infer B } ? B : never;

/** A user in a list: the full row (admins see them), or what managers and viewers get. */
type Listed = Awaited<ReturnType<typeof api.people>>["data"][number];
export type User = Extract<Listed, { email: string }>;
export const isFullUser = (u: Listed): u is User => "email" in u;

export const api = {
  /** Admin pages: full rows (admins are the only callers that get them). */
  users: async () => ({ data: (await api.people()).data.filter(isFullUser) }),
  /** Pickers any role may see: managers and viewers get {id, name, role} only. */
  people: async () => unwrap(await v1.users.$get()),
  createUser: async (json: Body<typeof v1.users.$post>) => unwrap(await v1.users.$post({ json })),
  patchUser: async (userId: string, json: Body<(typeof v1.users)[":userId"]["$patch"]>) =>
    unwrap(await v1.users[":userId"].$patch({ param: { userId }, json })),
  resetPassword: async (userId: string) => unwrap(await v1.users[":userId"]["password-reset"].$post({ param: { userId } })),
  invitations: async () => unwrap(await v1.invitations.$get()),
  invite: async (json: Body<typeof v1.invitations.$post>) => unwrap(await v1.invitations.$post({ json })),
  resendInvitation: async (invitationId: string) => unwrap(await v1.invitations[":invitationId"].resend.$post({ param: { invitationId } })),
  revokeInvitation: async (invitationId: string) => unwrap(await v1.invitations[":invitationId"].$delete({ param: { invitationId } })),
  /** What the sign-in page may offer (password reset by e-mail). */
  authOptions: async () => unwrap(await v1.auth.options.$get()),
  invitationPreview: async (token: string) => unwrap(await v1.auth.invitation.$post({ json: { token } })),
  requestPasswordReset: async (json: Body<(typeof v1.auth)["password-reset"]["$post"]>) => unwrap(await v1.auth["password-reset"].$post({ json })),
  confirmPasswordReset: async (json: Body<(typeof v1.auth)["password-reset"]["confirm"]["$post"]>) =>
    unwrap(await v1.auth["password-reset"].confirm.$post({ json })),
  apiKeys: async () => unwrap(await v1["api-keys"].$get()),
  createApiKey: async (json: Body<(typeof v1)["api-keys"]["$post"]>) => unwrap(await v1["api-keys"].$post({ json })),
  revokeApiKey: async (keyId: string) => unwrap(await v1["api-keys"][":keyId"].$delete({ param: { keyId } })),
  webhooks: async () => unwrap(await v1.webhooks.$get()),
  createWebhook: async (json: Body<typeof v1.webhooks.$post>) => unwrap(await v1.webhooks.$post({ json })),
  patchWebhook: async (webhookId: string, json: Body<(typeof v1.webhooks)[":webhookId"]["$patch"]>) =>
    unwrap(await v1.webhooks[":webhookId"].$patch({ param: { webhookId }, json })),
  deleteWebhook: async (webhookId: string) => unwrap(await v1.webhooks[":webhookId"].$delete({ param: { webhookId } })),
  webhookDeliveries: async (webhookId: string) => unwrap(await v1.webhooks[":webhookId"].deliveries.$get({ param: { webhookId } })),
  replayDelivery: async (webhookId: string, deliveryId: string) =>
    unwrap(await v1.webhooks[":webhookId"].deliveries[":deliveryId"].retry.$post({ param: { webhookId, deliveryId } })),
  comments: async (q: Query<typeof v1.comments.$get>) => unwrap(await v1.comments.$get(withQuery(q))),
  patchFollowup: async (responseId: string, json: Body<(typeof v1.followups)[":responseId"]["$patch"]>) =>
    unwrap(await v1.followups[":responseId"].$patch({ param: { responseId }, json })),
  followupSummary: async () => unwrap(await v1.followups.summary.$get()),
  imports: async () => unwrap(await v1.imports.$get()),
  segments: async () => unwrap(await v1.segments.$get()),
  settings: async () => unwrap(await v1.settings.$get()),
  patchSettings: async (json: Body<typeof v1.settings.$patch>) => unwrap(await v1.settings.$patch({ json })),
  patchMe: async (json: Body<typeof v1.auth.me.$patch>) => unwrap(await v1.auth.me.$patch({ json })),
  digest: async (q: Query<typeof v1.digest.$get>) => unwrap(await v1.digest.$get(withQuery(q))),
  reply: async (responseId: string, json: Body<(typeof v1.followups)[":responseId"]["reply"]["$post"]>) =>
    unwrap(await v1.followups[":responseId"].reply.$post({ param: { responseId }, json })),
  addNote: async (responseId: string, body: string) =>
    unwrap(await v1.followups[":responseId"].notes.$post({ param: { responseId }, json: { body } })),
  accounts: async (q: Query<typeof v1.accounts.$get>) => unwrap(await v1.accounts.$get(withQuery(q))),
  account: async (accountId: string) => unwrap(await v1.accounts[":accountId"].$get({ param: { accountId } })),
  waves: async (q: Query<typeof v1.waves.$get>) => unwrap(await v1.waves.$get(withQuery(q))),
  contact: async (contactId: string) => unwrap(await v1.contacts[":contactId"].$get({ param: { contactId } })),
  /** GDPR access: everything held on the person (admins, or the account's manager). */
  contactExport: async (contactId: string) => unwrap(await v1.contacts[":contactId"].export.$get({ param: { contactId } })),
  /** GDPR erasure (admins). */
  eraseContact: async (contactId: string) => unwrap(await v1.contacts[":contactId"].erase.$post({ param: { contactId } })),
  breakdown: async (q: Query<typeof v1.metrics.breakdown.$get>) => unwrap(await v1.metrics.breakdown.$get(withQuery(q))),
  goals: async () => unwrap(await v1.goals.$get()),
  createGoal: async (json: Body<typeof v1.goals.$post>) => unwrap(await v1.goals.$post({ json })),
  patchGoal: async (goalId: string, json: Body<(typeof v1.goals)[":goalId"]["$patch"]>) =>
    unwrap(await v1.goals[":goalId"].$patch({ param: { goalId }, json })),
  deleteGoal: async (goalId: string) => unwrap(await v1.goals[":goalId"].$delete({ param: { goalId } })),
  retention: async (q: Query<typeof v1.metrics.retention.$get>) => unwrap(await v1.metrics.retention.$get(withQuery(q))),
  cohorts: async (q: Query<typeof v1.metrics.cohorts.$get>) => unwrap(await v1.metrics.cohorts.$get(withQuery(q))),
  valueByCategory: async (q: Query<(typeof v1.metrics)["value-by-category"]["$get"]>) =>
    unwrap(await v1.metrics["value-by-category"].$get(withQuery(q))),
  retentionByCategory: async (q: Query<(typeof v1.metrics)["retention-by-category"]["$get"]>) =>
    unwrap(await v1.metrics["retention-by-category"].$get(withQuery(q))),
  emailSnippet: async (surveyId: string, q: Query<(typeof v1.surveys)[":surveyId"]["email-snippet"]["$get"]>) =>
    unwrap(await v1.surveys[":surveyId"]["email-snippet"].$get({ param: { surveyId }, ...withQuery(q) })),
};

/** Downloads the browser fetches itself (a plain link, with the session cookie). */
export const urls = {
  invitationsCsv: (waveId: string) => v1.waves[":waveId"]["invitations.csv"].$url({ param: { waveId }, query: {} }).pathname,
  contactExport: (contactId: string) => v1.contacts[":contactId"].export.$url({ param: { contactId } }).pathname,
};
