/** One hand-listed operation (transitional: routes not yet declared with createRoute). */
import type { z } from "zod";

export interface Operation {
  method: "get" | "post" | "patch" | "put" | "delete";
  path: string;
  summary: string;
  tag: string;
  /** `public`: no key (browsers, emails); `key`: API key or admin session. */
  auth: "public" | "key";
  body?: z.ZodType;
  bodyType?: string;
  query?: z.ZodType;
  responses: Record<number, string>;
}
