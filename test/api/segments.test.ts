/** GET /api/v1/segments: the known values of the segment filter, in the caller's scope. */
import { describe, expect, it } from "vitest";
import { ADMIN, api } from "../helpers";
import { insertAccount, makeWorld } from "../scope-helpers";

describe("GET /api/v1/segments", () => {
  it("lists each segment once, sorted, with its account count; a manager sees their accounts' only", async () => {
    const w = await makeWorld();
    await insertAccount("Case matters", null, "SMB");
    await insertAccount("No segment", null, null);
    const all = await api("/api/v1/segments", { headers: ADMIN });
    expect(all.status).toBe(200);
    const values = all.body.data.map((s: { value: string }) => s.value);
    // Exact values, case kept: "SMB" and "smb" are two segments, as the filter treats them.
    expect(values).toEqual(expect.arrayContaining(["SMB", "enterprise", "smb"]));
    expect(values).toEqual([...values].sort());
    expect(values).not.toContain(null);
    const smb = all.body.data.find((s: { value: string }) => s.value === "smb");
    expect(smb.accounts).toBeGreaterThanOrEqual(2);

    const mine = await api("/api/v1/segments", { headers: w.keys.managerA });
    expect(mine.body.data).toEqual([{ value: "enterprise", accounts: 1 }]);
    expect((await api("/api/v1/segments", { headers: w.keys.viewer })).status).toBe(200);
    expect((await api("/api/v1/segments")).status).toBe(401);
  });
});
