/** Who is signed in (from /auth/me or /auth/login) and the CSRF token that goes with the session. */
import { client, setCsrfToken, setUnauthorizedHandler, unwrap, ApiError, Unavailable } from "./api";
import { navigate } from "./router";
import { useSubscription } from "./store";
import { saveDrafts } from "./drafts";

export interface User {
  id: string;
  email: string;
  name: string;
  role: "admin" | "manager" | "viewer";
  locale?: string;
}
export type SessionState = { status: "loading" } | { status: "anonymous"; authMissing?: boolean } | { status: "signed-in"; user: User };

let state: SessionState = { status: "loading" };
const listeners = new Set<() => void>();
function set(s: SessionState) {
  state = s;
  listeners.forEach((f) => f());
}

/** The signed-in user's id (per-user preferences in localStorage), or null. */
export const currentUserId = () => (state.status === "signed-in" ? state.user.id : null);

export function useSession(): SessionState {
  useSubscription(listeners, () => state);
  return state;
}

export async function loadSession() {
  try {
    const me = await unwrap(await client.api.v1.auth.me.$get());
    if (!me.user) throw new ApiError(401, "unauthorized", "No user session");
    setCsrfToken(me.csrfToken);
    set({ status: "signed-in", user: me.user });
  } catch (e) {
    setCsrfToken(null);
    set({ status: "anonymous", authMissing: e instanceof Unavailable });
  }
}

export async function login(email: string, password: string) {
  const body = await unwrap(await client.api.v1.auth.login.$post({ json: { email, password } }));
  setCsrfToken(body.csrfToken);
  set({ status: "signed-in", user: body.user });
}

/** Accepting an invitation creates the user and signs them in, as a login does. */
export async function acceptInvitation(json: { token: string; name: string; password: string }) {
  const body = await unwrap(await client.api.v1.auth.invitation.accept.$post({ json }));
  setCsrfToken(body.csrfToken);
  set({ status: "signed-in", user: body.user });
}

export async function logout() {
  try {
    await unwrap(await client.api.v1.auth.logout.$post());
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) throw e;
  }
  setCsrfToken(null);
  set({ status: "anonymous" });
  navigate("/login");
}

// A 401 on any call means the session ended (expired, logged out elsewhere): back to the login.
setUnauthorizedHandler(() => {
  if (state.status === "signed-in") {
    // The session expired under the user: keep what they were typing for after they sign in.
    saveDrafts(state.user.id);
    setCsrfToken(null);
    set({ status: "anonymous" });
  }
});

export const can = (s: SessionState, ...roles: User["role"][]) => s.status === "signed-in" && roles.includes(s.user.role);
