/** Test helpers for people: users inserted straight into D1, real logins over HTTP. */
import { env } from "cloudflare:test";
import { drizzle } from "drizzle-orm/d1";
import * as schema from "../worker/db/schema";
import { hashPassword } from "../worker/auth/password";
import { newId } from "../worker/lib/ids";
import { api } from "./helpers";

export const db = drizzle(env.DB);

let n = 0;
export const uniqueEmail = (tag = "user") => `${tag}-${Date.now().toString(36)}-${++n}-${crypto.randomUUID().slice(0, 8)}@example.com`;
/** A distinct client address per test, so per-IP login limits never couple two tests. */
export const uniqueIp = () => `10.${(++n >> 8) & 255}.${n & 255}.${Math.floor(Math.random() * 250) + 1}`;

export interface TestUser {
  id: string;
  email: string;
  password: string;
  role: schema.Role;
}

export async function createUser(
  role: schema.Role,
  opts: { email?: string; password?: string; disabled?: boolean; name?: string } = {},
): Promise<TestUser> {
  const user = {
    id: newId("usr"),
    email: opts.email ?? uniqueEmail(role),
    password: opts.password ?? `pw-${crypto.randomUUID()}`,
    role,
  };
  await db.insert(schema.users).values({
    id: user.id,
    email: user.email,
    name: opts.name ?? `${role} ${user.id}`,
    role,
    passwordHash: await hashPassword(user.password),
    disabledAt: opts.disabled ? new Date() : null,
  });
  return user;
}

export function sessionCookieOf(headers: Headers): string | null {
  for (const c of headers.getSetCookie()) {
    const m = /^bm_session=([^;]*)/.exec(c);
    if (m) return m[1]!;
  }
  return null;
}

export const login = (email: string, password: string, ip = uniqueIp()) =>
  api("/api/v1/auth/login", { body: { email, password }, headers: { "cf-connecting-ip": ip } });

/** Headers of a signed-in session (cookie + CSRF token), as the admin page sends them. */
export interface Session {
  user: TestUser;
  cookie: string;
  csrf: string;
  /** Read-only requests: the cookie alone. */
  read: Record<string, string>;
  /** Mutating requests: the cookie and the CSRF token. */
  write: Record<string, string>;
}

export async function signIn(user: TestUser): Promise<Session> {
  const res = await login(user.email, user.password);
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  const cookie = sessionCookieOf(res.headers);
  if (!cookie) throw new Error("no session cookie");
  const csrf = res.body.csrfToken as string;
  return {
    user,
    cookie,
    csrf,
    read: { cookie: `bm_session=${cookie}` },
    write: { cookie: `bm_session=${cookie}`, "x-csrf-token": csrf },
  };
}

export async function sessionAs(role: schema.Role): Promise<Session> {
  return signIn(await createUser(role));
}
