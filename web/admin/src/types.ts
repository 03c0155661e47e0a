/** Page-side helpers on the API's shapes (the shapes themselves come from hc<AppType>). */
import type { api } from "./endpoints";

/** Someone from GET /users: a full row for admins; managers and viewers get no e-mail. */
export type Person = Awaited<ReturnType<typeof api.people>>["data"][number];

/** A person's label in pickers: their name, else the e-mail (admins only see it), else the id. */
export const personLabel = (u: Person) => u.name || ("email" in u ? u.email : "") || u.id;
