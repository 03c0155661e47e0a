/**
 * Typed calls to the Worker through `hc<AppType>`: the response types come from the routes
 * themselves, so a change of shape on the server breaks `npm run typecheck` here. Routes that
 * validate their own query and body (readBody / parseQuery) are not typed on the input side;
 * `withQuery` and `json` pass those through.
 */
import type { InferRequestType } from "hono/client";
import { client, unwrap, withQuery } from "./api";
import type { Person, UserRow } from "./types";

type GoalInput = InferRequestType<typeof client.api.v1.goals.$post>["json"];
type GoalPatch = InferRequestType<(typeof client.api.v1.goals)[":goalId"]["$patch"]>["json"];
type Q = Record<string, string | number | undefined | null>;
/** A JSON body for routes whose body hc does not type. */
export const json = (body: unknown) => ({ init: { body: JSON.stringify(body), headers: { "content-type": "application/json" } } });
const id = (v: string) => ({ param: { id: v } });

export const api = {
  /** Admin pages: full rows. The shape depends on the caller's role, which hc cannot express. */
  users: async () => (await unwrap(await client.api.v1.users.$get())) as { data: UserRow[] },
  /** Pickers any role may see: managers and viewers get {id, name, role} only. */
  people: async () => (await unwrap(await client.api.v1.users.$get())) as { data: Person[] },
  createUser: async (body: unknown) => unwrap(await client.api.v1.users.$post(undefined, json(body))),
  patchUser: async (userId: string, body: unknown) => unwrap(await client.api.v1.users[":id"].$patch(id(userId), json(body))),
  resetPassword: async (userId: string) => unwrap(await client.api.v1.users[":id"]["password-reset"].$post(id(userId))),
  apiKeys: async () => unwrap(await client.api.v1["api-keys"].$get()),
  createApiKey: async (body: unknown) => unwrap(await client.api.v1["api-keys"].$post(undefined, json(body))),
  revokeApiKey: async (keyId: string) => unwrap(await client.api.v1["api-keys"][":id"].$delete(id(keyId))),
  webhooks: async () => unwrap(await client.api.v1.webhooks.$get()),
  createWebhook: async (body: unknown) => unwrap(await client.api.v1.webhooks.$post(undefined, json(body))),
  patchWebhook: async (hookId: string, body: unknown) => unwrap(await client.api.v1.webhooks[":id"].$patch(id(hookId), json(body))),
  deleteWebhook: async (hookId: string) => unwrap(await client.api.v1.webhooks[":id"].$delete(id(hookId))),
  webhookDeliveries: async (hookId: string) => unwrap(await client.api.v1.webhooks[":id"].deliveries.$get(id(hookId))),
  replayDelivery: async (hookId: string, deliveryId: string) =>
    unwrap(await client.api.v1.webhooks[":id"].deliveries[":deliveryId"].retry.$post({ param: { id: hookId, deliveryId } })),
  comments: async (q: Q) => unwrap(await client.api.v1.comments.$get(withQuery(q))),
  patchFollowup: async (responseId: string, body: unknown) =>
    unwrap(await client.api.v1.followups[":responseId"].$patch({ param: { responseId } }, json(body))),
  followupSummary: async () => unwrap(await client.api.v1.followups.summary.$get()),
  imports: async () => unwrap(await client.api.v1.imports.$get()),
  segments: async () => unwrap(await client.api.v1.segments.$get()),
  settings: async () => unwrap(await client.api.v1.settings.$get()),
  patchSettings: async (body: unknown) => unwrap(await client.api.v1.settings.$patch(undefined, json(body))),
  patchMe: async (body: unknown) => unwrap(await client.api.v1.auth.me.$patch(undefined, json(body))),
  digest: async (q: Q) => unwrap(await client.api.v1.digest.$get(withQuery(q))),
  reply: async (responseId: string, body: { subject?: string; body: string }) =>
    unwrap(await client.api.v1.followups[":responseId"].reply.$post({ param: { responseId } }, json(body))),
  addNote: async (responseId: string, body: string) =>
    unwrap(await client.api.v1.followups[":responseId"].notes.$post({ param: { responseId } }, json({ body }))),
  accounts: async (q: Q) => unwrap(await client.api.v1.accounts.$get(withQuery(q))),
  account: async (accountId: string) => unwrap(await client.api.v1.accounts[":id"].$get(id(accountId))),
  waves: async (q: Q) => unwrap(await client.api.v1.waves.$get(withQuery(q))),
  breakdown: async (q: Q) => unwrap(await client.api.v1.metrics.breakdown.$get(withQuery(q))),
  goals: async () => unwrap(await client.api.v1.goals.$get()),
  createGoal: async (body: GoalInput) => unwrap(await client.api.v1.goals.$post({ json: body })),
  patchGoal: async (goalId: string, body: GoalPatch) => unwrap(await client.api.v1.goals[":goalId"].$patch({ param: { goalId }, json: body })),
  deleteGoal: async (goalId: string) => unwrap(await client.api.v1.goals[":goalId"].$delete({ param: { goalId } })),
  retention: async (q: Q) => unwrap(await client.api.v1.metrics.retention.$get(withQuery(q))),
  cohorts: async (q: Q) => unwrap(await client.api.v1.metrics.cohorts.$get(withQuery(q))),
  valueByCategory: async (q: Q) => unwrap(await client.api.v1.metrics["value-by-category"].$get(withQuery(q))),
  retentionByCategory: async (q: Q) => unwrap(await client.api.v1.metrics["retention-by-category"].$get(withQuery(q))),
};
