/**
 * Accessibility (axe-core, run inside the page, shadow DOM included) of the widget at each step
 * and of the link page, in English and French, desktop and mobile. With SCREENSHOTS=1 it also
 * refreshes the PNGs in docs/screenshots/ that docs/WIDGET.md shows.
 */
import { describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { animationsDone } from "./settle";
import { axeViolations, surveyWith, useBrowserAndHost } from "./widget-host";

const SHOTS = process.env.SCREENSHOTS === "1";
const bed = useBrowserAndHost();

async function shot(page: Page, name: string) {
  await animationsDone(page); // the entrance animation, so the screenshot and axe see the end state
  if (SHOTS) await page.screenshot({ path: `docs/screenshots/${name}.png` });
}

for (const lang of ["en", "fr"] as const) {
  describe(`accessibility (${lang})`, () => {
    it("the widget has no axe violations, question and follow-up steps", async () => {
      const s = await surveyWith({ allowedOrigins: [bed.host.origin], defaultLocale: lang });
      const ctx = await bed.browser.newContext({ viewport: { width: 1100, height: 680 }, locale: lang });
      const page = await ctx.newPage();
      await page.goto(bed.host.page(`/a11y-${lang}-${s.id}`, s.id, { lang }));
      await page.getByRole("radiogroup").waitFor();
      await shot(page, `widget-${lang}`);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole("radio", { name: "8" }).click();
      await page.getByRole("textbox").fill(lang === "fr" ? "Des exports plus rapides" : "Faster exports");
      await shot(page, `widget-followup-${lang}`);
      expect(await axeViolations(page)).toEqual([]);
      await page.getByRole("button", { name: lang === "fr" ? "Envoyer" : "Send" }).click();
      await page.getByRole("status").waitFor();
      await shot(page, `widget-thanks-${lang}`);
      expect(await axeViolations(page)).toEqual([]);
      await ctx.close();
    });

    it("the link page has no axe violations", async () => {
      const s = await surveyWith({ defaultLocale: lang, theme: { color: "#0f766e", position: "center" } });
      // The page's CSP admits only its own scripts; let the test inject axe.
      const ctx = await bed.browser.newContext({ viewport: { width: 900, height: 640 }, locale: lang, bypassCSP: true });
      const page = await ctx.newPage();
      await page.goto(`${inject("baseUrl")}/s/${s.id}?score=9`);
      await page.getByRole("group").waitFor();
      await shot(page, `link-${lang}`);
      expect(await axeViolations(page)).toEqual([]);
      await ctx.close();
    });
  });
}

describe("mobile layout", () => {
  it("the widget becomes a bottom sheet on a phone and stays accessible", async () => {
    const s = await surveyWith({ allowedOrigins: [bed.host.origin], theme: { color: "#db2777", position: "bottom-right" } });
    const ctx = await bed.browser.newContext({ viewport: { width: 390, height: 760 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const page = await ctx.newPage();
    await page.goto(bed.host.page(`/mobile-${s.id}`, s.id));
    const card = page.getByRole("dialog");
    await card.waitFor();
    await shot(page, "widget-mobile");
    const box = (await card.boundingBox())!;
    expect(box.x).toBe(0);
    expect(box.width).toBe(390);
    expect(Math.round(box.y + box.height)).toBe(760);
    expect(await axeViolations(page)).toEqual([]);
    await ctx.close();
  });
});
