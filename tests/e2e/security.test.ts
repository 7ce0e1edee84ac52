import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, newContext, screenshotOnFailure, signInThroughForm } from "../helpers/browser";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { paidSession } from "../helpers/sessions";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

type Violation = { directive: string; blocked: string };

/**
 * A context whose pages record every CSP violation (the `securitypolicyviolation` event, added before
 * any page script runs) and every console error that mentions the Content Security Policy.
 */
async function watchedContext(): Promise<{ ctx: BrowserContext; violations: () => Promise<Violation[]>; page: Page }> {
  const ctx = await newContext(browser);
  await ctx.addInitScript(() => {
    const seen: { directive: string; blocked: string }[] = [];
    (window as unknown as { __csp: typeof seen }).__csp = seen;
    document.addEventListener("securitypolicyviolation", (e) =>
      seen.push({ directive: e.effectiveDirective, blocked: e.blockedURI }),
    );
  });
  const consoleErrors: Violation[] = [];
  const page = await ctx.newPage();
  ctx.on("console", (m) => {
    if (/Content Security Policy|Permissions-Policy/i.test(m.text()))
      consoleErrors.push({ directive: "console", blocked: m.text() });
  });
  const violations = async () => [
    ...consoleErrors,
    ...(
      await Promise.all(
        ctx.pages().map((p) => p.evaluate(() => (window as unknown as { __csp: Violation[] }).__csp ?? [])),
      )
    ).flat(),
  ];
  return { ctx, violations, page };
}

describe("the Content-Security-Policy in Chromium", () => {
  it("the landing and sign-in pages run under it with no violation, and signing in still works", async () => {
    const user = await createUser({ name: "Csp Person" });
    const { page, violations } = await watchedContext();
    await screenshotOnFailure(page, "csp-pages", async () => {
      await page.goto("/");
      await page.getByRole("link", { name: "Sign up" }).waitFor();
      expect(await violations()).toEqual([]);
      // Client navigation, a form post through a server action, and the redirect: all scripts of Next.js.
      await page.getByRole("link", { name: "Sign in" }).first().click();
      await page.waitForURL(/\/signin$/);
      expect(await violations()).toEqual([]);
      await signInThroughForm(page, user.email, TEST_PASSWORD, /\/dashboard$/);
      expect(await page.getByRole("heading", { name: "Hi, Csp Person" }).isVisible()).toBe(true);
      expect(await violations()).toEqual([]);
      // The brand colours reach the page through the nonce'd <style>.
      const primary = await page.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue("--brand-primary").trim(),
      );
      expect(primary).toMatch(/^#[0-9a-f]{6}$/i);
    });
  });

  it("is enforced, not report-only: injected markup cannot run script", async () => {
    const { page, violations } = await watchedContext();
    await page.goto("/signin");
    await page.evaluate(() => {
      const div = document.createElement("div");
      div.innerHTML = `<img src="data:," onerror="window.__injected = true">`;
      document.body.append(div);
    });
    await expect.poll(async () => (await violations()).map((v) => v.directive)).toContain("script-src-attr");
    expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  });

  it("the room still works under it: both sides connect to livekit-server and see each other, with no violation", async () => {
    const { booking, viewer, creator } = await paidSession({ startsInMinutes: 2 });
    const v = await watchedContext();
    const c = await watchedContext();
    await signInThroughForm(v.page, viewer.email, TEST_PASSWORD, /\/dashboard/);
    await signInThroughForm(c.page, creator.user.email, TEST_PASSWORD, /\/studio/);
    for (const [side, page] of [
      ["viewer", v.page],
      ["creator", c.page],
    ] as const) {
      await screenshotOnFailure(page, `csp-room-${side}`, async () => {
        await page.goto(`/sessions/${booking.id}`);
        await page.getByTestId("join").click();
      });
    }
    for (const [side, page] of [
      ["viewer", v.page],
      ["creator", c.page],
    ] as const) {
      await screenshotOnFailure(page, `csp-room-sees-${side}`, async () => {
        await page.getByTestId("remote-video").waitFor({ state: "attached", timeout: 30000 });
        await expect
          .poll(() => page.getByTestId("remote-video").evaluate((el: HTMLVideoElement) => el.videoWidth), {
            timeout: 30000,
          })
          .toBeGreaterThan(0);
      });
    }
    expect(await v.violations()).toEqual([]);
    expect(await c.violations()).toEqual([]);
    await v.ctx.close();
    await c.ctx.close();
  });
});
