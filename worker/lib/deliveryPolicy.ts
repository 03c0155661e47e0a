/**
 * The deployment's delivery-URL policy (worker/lib/publicUrl.ts), read from the bindings.
 * Through `cloudflare:workers` because the check runs in zod schemas and in the delivery job,
 * which have no request context to carry `env`.
 */
import { env } from "cloudflare:workers";
import type { Env } from "../env";
import type { DeliveryPolicy } from "./publicUrl";

export const deliveryPolicy = (): DeliveryPolicy => ({
  allowLocalHttp: (env as Partial<Env>).ALLOW_LOCAL_DELIVERY_URLS === "true",
});
