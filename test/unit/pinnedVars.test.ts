import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Env } from "../../worker/env";
import { PINNED_VARS } from "../pinned-vars";

/** The string settings of the Worker; a new one added to worker/env.ts must be pinned too. */
type StringKeys<T> = { [K in keyof T]-?: NonNullable<T[K]> extends string ? K : never }[keyof T];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Fails `npm run typecheck` when test/pinned-vars.ts misses a setting or names one that is gone.
const complete: Same<keyof typeof PINNED_VARS, StringKeys<Env>> = true;

describe("test settings", () => {
  it("the Worker under test sees the pinned settings, whatever the developer's .dev.vars says", () => {
    expect(complete).toBe(true);
    const seen = Object.fromEntries(Object.keys(PINNED_VARS).map((k) => [k, (env as unknown as Record<string, unknown>)[k] ?? ""]));
    expect(seen).toEqual(PINNED_VARS);
  });
});
