import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
import { launchBrowser, signInThroughForm } from "../helpers/browser";
import { baseUrl } from "../helpers/http";
import { paidTicket, scheduledShow } from "../helpers/shows";
import { step } from "../helpers/steps";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(email: string, home: RegExp): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: 1280, height: 900 },
    timezoneId: "Europe/Lisbon",
  });
  ctx.setDefaultTimeout(30000);
  const page = await ctx.newPage();
  await signInThroughForm(page, email, TEST_PASSWORD, home);
  return { ctx, page };
}

/** A <video> in the page is playing: it has a size and its decoded frames move on. */
async function playing(page: Page, testId: string, attrs = "") {
  const video = page.locator(`[data-testid="${testId}"]${attrs}`).first();
  await video.waitFor({ state: "attached", timeout: 30000 });
  const frames = () => video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20000 }).toBeGreaterThan(0);
  const before = await frames();
  await expect.poll(frames, { timeout: 10000 }).toBeGreaterThan(before);
}

describe("a group show in Chromium", () => {
  it("the creator goes live; two viewers watch; one chats, one tips and the tip shows in both rooms; the creator brings one on stage and both see them; an admin removes the other, who sees why", {
    timeout: 420_000,
  }, async () => {
    const { creator, event } = await scheduledShow({ startsInMinutes: 2, capacity: 5, priceCents: 900 });
    const ann = await createUser({ name: "Ann Audience" });
    const bob = await createUser({ name: "Bob Buyer" });
    const admin = await createUser({ role: "admin", name: "Ada Admin" });
    await paidTicket(ann, event.id);

    const [c, a, b] = await step("the creator and two viewers sign in", 30_000, () =>
      Promise.all([
        signedIn(creator.user.email, /\/studio/),
        signedIn(ann.email, /\/dashboard/),
        signedIn(bob.email, /\/dashboard/),
      ]),
    );

    await step("Bob buys a ticket on the show's page through the test checkout", 40_000, async () => {
      await b.page.goto(`/shows/${event.id}`);
      expect(await b.page.getByTestId("seats-left").textContent()).toBe("4 of 5 seats left");
      await b.page.getByRole("button", { name: /Buy a ticket/ }).click();
      await b.page.waitForURL(/\/checkout\/test\/cs_test_booth_/);
      await b.page.getByRole("button", { name: "Pay (test mode)" }).click();
      await b.page.waitForURL(new RegExp(`/shows/${event.id}\\?checkout=success`));
      await b.page.getByTestId("ticket-paid").waitFor({ timeout: 20000 });
    });

    await step("the creator goes live from the room with camera and microphone", 40_000, async () => {
      await c.page.goto(`/shows/${event.id}/room`);
      await c.page.getByTestId("local-video").waitFor();
      await c.page.getByTestId("join").click();
      await expect.poll(() => c.page.getByTestId("room-status").textContent(), { timeout: 30000 }).toBe("You are live");
      await playing(c.page, "own-video");
    });

    await step("both viewers join as audience and see the creator's video and the viewer count", 60_000, async () => {
      for (const v of [a, b]) {
        await v.page.goto(`/shows/${event.id}/room`);
        await v.page.getByTestId("join").click();
      }
      for (const v of [a, b]) {
        await playing(v.page, "creator-video");
        await expect
          .poll(() => v.page.getByTestId("viewer-count").getAttribute("data-count"), { timeout: 15000 })
          .toBe("2");
        expect(await v.page.getByTestId("toggle-camera").count()).toBe(0); // the audience has no camera button
      }
    });

    await step("Ann chats; Bob and the creator see the message", 20_000, async () => {
      await a.page.getByTestId("chat-input").fill("Hello from Ann!");
      await a.page.getByTestId("chat-send").click();
      for (const p of [b.page, c.page])
        await p.getByTestId("chat-message").filter({ hasText: "Hello from Ann!" }).waitFor({ timeout: 15000 });
    });

    await step(
      "Bob tips in a new tab through the test checkout; the tip shows in both viewers' rooms",
      60_000,
      async () => {
        await b.page.getByTestId("tip-open").click();
        await b.page.getByTestId("tip-preset-500").click();
        await b.page.getByTestId("tip-message").fill("Great show!");
        const [tab] = await Promise.all([b.ctx.waitForEvent("page"), b.page.getByTestId("tip-submit").click()]);
        await tab.waitForURL(/\/checkout\/test\/cs_test_booth_/);
        // Not shown before the signed webhook confirms it.
        expect(await a.page.getByTestId("tip-notice").count()).toBe(0);
        await tab.getByRole("button", { name: "Pay (test mode)" }).click();
        await tab.waitForURL(/\/tips\/[^/?]+\?checkout=success/);
        for (const p of [a.page, b.page]) {
          const notice = p.getByTestId("tip-notice").filter({ hasText: "Great show!" });
          await notice.waitFor({ timeout: 20000 });
          expect(await notice.textContent()).toContain("Bob Buyer tipped €5.00");
        }
        // The room stayed connected all along.
        expect(await b.page.getByTestId("room-status").textContent()).toMatch(/^Watching /);
        await tab.close();
      },
    );

    await step(
      "Ann raises a hand; the creator invites her; she checks her devices and goes on stage; Bob sees her",
      60_000,
      async () => {
        await a.page.getByTestId("hand-raise").click();
        await c.page.getByTestId("stage-invite").click({ timeout: 15000 });
        await a.page.getByTestId("stage-check").click({ timeout: 15000 });
        await a.page.getByTestId("stage-accept").click();
        await expect
          .poll(() => a.page.getByTestId("hand-status").textContent(), { timeout: 20000 })
          .toBe("You are on stage.");
        await playing(b.page, "stage-video", `[data-identity="${ann.id}"]`);
        await playing(c.page, "stage-video", `[data-identity="${ann.id}"]`);
      },
    );

    await step("an admin removes Bob from the show's support page; Bob sees why", 60_000, async () => {
      const { page } = await signedIn(admin.email, /\/admin/);
      await page.goto(`/admin/shows/${event.id}`);
      const row = page.locator(`[data-testid="participant"][data-identity="${bob.id}"]`);
      await row.waitFor({ timeout: 20000 });
      await row.getByTestId("participant-remove").click();
      await page.getByTestId("moderation-reason").fill("Please keep the chat friendly.");
      await page.getByTestId("moderation-confirm").click();
      await b.page.getByTestId("room-ended").waitFor({ timeout: 20000 });
      expect(await b.page.getByTestId("room-status").textContent()).toBe("Please keep the chat friendly.");
      expect(await b.page.getByRole("button", { name: "Join again" }).count()).toBe(0);
    });

    const actions = await db.moderationAction.findMany({ where: { targetUserId: bob.id }, select: { type: true } });
    expect(actions.map((x) => x.type)).toEqual(["remove_from_room"]);
    for (const x of [c, a, b]) await x.ctx.close();
  });
});
