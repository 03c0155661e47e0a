/**
 * Close the loop, the visible parts (issue points 7, 9, 10) in Chromium against the real Worker:
 * a manager creates their own API key (bound to them); the overview opens on the workspace
 * default survey and then on the user's last choice, whatever survey is created meanwhile; a goal
 * is edited in place and shows its n and the too-few-answers state.
 */
import { describe, expect, inject, it } from "vitest";
import { adminApi } from "./api";
import { answer, createSurvey, createUser, englishPage, login, sharedBrowser, upsertAccounts } from "./admin-helpers";

const browser = sharedBrowser();
const base = () => inject("baseUrl");
const suffix = Math.random().toString(36).slice(2, 8);

const newPage = () => englishPage(browser());

describe("admin page: settings, default survey, goals", () => {
  it("a manager creates their own API key, which acts as them", async () => {
    const manager = await createUser("manager", "Keyla");
    const page = await newPage();
    await page.goto(`${base()}/admin/login`);
    await login(page, manager.email);
    await page.getByRole("link", { name: "Settings" }).click();
    await page.waitForURL(/\/admin\/settings/);
    // No role or user to pick: the key is theirs.
    expect(await page.getByTestId("key-self-hint").textContent()).toContain("acts as you");
    expect(await page.locator("#k-role").count()).toBe(0);
    await page.getByLabel("Name", { exact: true }).fill(`My CRM ${suffix}`);
    await page.getByRole("button", { name: "Create key" }).click();
    const secret = page.getByTestId("secret");
    await expect.poll(() => secret.textContent()).toMatch(/^bm_[0-9a-z]{32}$/);
    const key = (await secret.textContent())!;
    await expect.poll(() => page.getByText(`My CRM ${suffix}`).count()).toBe(1);

    const me = await fetch(`${base()}/api/v1/auth/me`, { headers: { authorization: `Bearer ${key}` } });
    expect(await me.json()).toMatchObject({ kind: "api_key", role: "manager", user: { id: manager.id } });
    // The admin sees it, bound to the manager.
    const keys = await adminApi("/api/v1/api-keys");
    expect(keys.body.data.find((k: { name: string }) => k.name === `My CRM ${suffix}`)).toMatchObject({ role: "manager", userId: manager.id });
    await page.context().close();
  });

  it("the overview opens on the workspace default survey, then on the user's last choice, not on the newest survey", async () => {
    const admin = await createUser("admin", "Dee");
    const chosen = await createSurvey(`Default NPS ${suffix}`);
    const other = await createSurvey(`Other NPS ${suffix}`);
    expect((await adminApi("/api/v1/settings", { method: "PATCH", body: { defaultSurveyId: chosen.id } })).status).toBe(200);
    const page = await newPage();
    await page.goto(`${base()}/admin/login`);
    await login(page, admin.email);
    await expect.poll(() => page.locator("#f-survey").inputValue()).toBe(chosen.id);
    // Someone creates a survey: this overview does not move.
    await createSurvey(`Newest NPS ${suffix}`);
    await page.reload();
    await expect.poll(() => page.locator("#f-survey").inputValue()).toBe(chosen.id);
    // The user picks another survey; it is remembered for them after a fresh visit to "/".
    await page.locator("#f-survey").selectOption(other.id);
    await page.goto(`${base()}/admin/`);
    await expect.poll(() => page.locator("#f-survey").inputValue()).toBe(other.id);
    await page.context().close();
    // The workspace setting is shared by every browser test: put it back.
    await adminApi("/api/v1/settings", { method: "PATCH", body: { defaultSurveyId: null } });
  });

  it("an admin edits a goal in place; its 'now' shows n and says when answers are too few", async () => {
    const admin = await createUser("admin", "Gil");
    const survey = await createSurvey(`Goal NPS ${suffix}`);
    await upsertAccounts([{ externalId: `GOAL-${suffix}`, name: `Goal Co ${suffix}`, segment: `Goal-${suffix}`, managerUserId: null }]);
    for (const s of [10, 9, 3]) await answer(survey.id, s, `GOAL-${suffix}`);
    const goal = await adminApi("/api/v1/goals", {
      body: { name: `NPS 40 ${suffix}`, metric: "nps", surveyId: survey.id, target: 40, deadline: "2040-06-30" },
    });
    expect(goal.status).toBe(201);
    const page = await newPage();
    await page.goto(`${base()}/admin/login`);
    await login(page, admin.email);
    await page.goto(`${base()}/admin/goals`);
    const item = page.locator("li.goal", { hasText: `NPS 40 ${suffix}` });
    await expect.poll(() => item.getByTestId("goal-n").textContent()).toBe("n = 3");
    expect(await item.getByTestId("goal-now").textContent()).toContain("Too few answers");

    await item.getByRole("button", { name: `Edit NPS 40 ${suffix}` }).click();
    const form = page.getByRole("form", { name: `Edit NPS 40 ${suffix}` });
    await form.getByLabel("Name").fill(`NPS 45 ${suffix}`);
    await form.getByLabel("Target").fill("45");
    await form.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.locator("li.goal", { hasText: `NPS 45 ${suffix}` }).count()).toBe(1);
    const after = await adminApi(`/api/v1/goals/${goal.body.id}`);
    expect(after.body).toMatchObject({ name: `NPS 45 ${suffix}`, target: 45, deadline: "2040-06-30" });

    // A refused edit (a deadline in the past) stays on the form with the server's message.
    await page
      .locator("li.goal", { hasText: `NPS 45 ${suffix}` })
      .getByRole("button", { name: `Edit NPS 45 ${suffix}` })
      .click();
    const again = page.getByRole("form", { name: `Edit NPS 45 ${suffix}` });
    await again.getByLabel("Deadline").fill("2020-01-01");
    await again.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => again.getByRole("alert").textContent()).toMatch(/deadline/i);
    expect((await adminApi(`/api/v1/goals/${goal.body.id}`)).body.deadline).toBe("2040-06-30");
    await page.context().close();
  });
});
