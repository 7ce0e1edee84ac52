import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { launchBrowser, signInThroughForm } from "../helpers/browser";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
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
  const ctx = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1280, height: 900 } });
  ctx.setDefaultTimeout(30000);
  const page = await ctx.newPage();
  await signInThroughForm(page, email, TEST_PASSWORD, home);
  return { ctx, page };
}

/** A <video> in the page is playing: it has a size and its decoded frames move on. */
async function playing(page: Page, testId: string) {
  const video = page.locator(`[data-testid="${testId}"]`).first();
  await video.waitFor({ state: "attached", timeout: 30000 });
  const frames = () => video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 20000 }).toBeGreaterThan(0);
  const before = await frames();
  await expect.poll(frames, { timeout: 10000 }).toBeGreaterThan(before);
}

describe("reports from a group show in Chromium", () => {
  it("a viewer reports a chat message and the host from the show's room while the show plays on; the queue shows the message", {
    timeout: 300_000,
  }, async () => {
    const { creator, event } = await scheduledShow({ startsInMinutes: 2, capacity: 5 });
    const viewer = await createUser({ name: "Vera Viewer" });
    const admin = await createUser({ role: "admin", name: "Queue Admin" });
    await paidTicket(viewer, event.id);
    const [c, v] = await step("the creator and a viewer sign in", 30_000, () =>
      Promise.all([signedIn(creator.user.email, /\/studio/), signedIn(viewer.email, /\/dashboard/)]),
    );

    await step("the creator goes live and writes in the chat; the viewer joins and sees both", 80_000, async () => {
      await c.page.goto(`/shows/${event.id}/room`);
      await c.page.getByTestId("local-video").waitFor();
      await c.page.getByTestId("join").click();
      await expect.poll(() => c.page.getByTestId("room-status").textContent(), { timeout: 30000 }).toBe("You are live");
      await v.page.goto(`/shows/${event.id}/room`);
      await v.page.getByTestId("join").click();
      await playing(v.page, "creator-video");
      await c.page.getByTestId("chat-input").fill("Buy my course off-platform, DM me");
      await c.page.getByTestId("chat-send").click();
      await v.page.getByTestId("chat-message").filter({ hasText: "Buy my course off-platform" }).waitFor();
    });

    await step("the viewer reports the message from the chat; the show keeps playing", 30_000, async () => {
      const line = v.page.getByTestId("chat-message").filter({ hasText: "Buy my course off-platform" });
      await line.getByRole("button", { name: "Report this message by Test Creator" }).click();
      const form = line.getByRole("group", { name: "Report this message by Test Creator" });
      await form.getByLabel("What happened?").selectOption("scam");
      await form.getByRole("button", { name: "Send report" }).click();
      await expect.poll(() => line.getByTestId("room-report-sent").textContent()).toMatch(/Thank you/);
      expect(await v.page.getByTestId("room-status").textContent()).toMatch(/^Watching /);
      await playing(v.page, "creator-video");
    });

    await step("the viewer reports the host with the room's Report; the show keeps playing", 30_000, async () => {
      const box = v.page.getByTestId("show-report");
      await box.getByRole("button", { name: "Report Test Creator" }).click();
      await box.getByLabel("What happened?").selectOption("inappropriate");
      await box.getByLabel(/Details/).fill("Pushing people to pay outside Booth");
      await box.getByRole("button", { name: "Send report" }).click();
      await expect.poll(() => box.getByTestId("room-report-sent").textContent()).toMatch(/Thank you/);
      expect(await v.page.getByTestId("room-status").textContent()).toMatch(/^Watching /);
      await playing(v.page, "creator-video");
      // The creator's side never left either.
      expect(await c.page.getByTestId("room-status").textContent()).toBe("You are live");
    });

    const reports = await db.report.findMany({
      where: { groupEventId: event.id },
      orderBy: { createdAt: "asc" },
      select: { context: true, chatMessageText: true, offsetSeconds: true, subjectUserId: true },
    });
    expect(reports).toEqual([
      expect.objectContaining({ context: "chat", chatMessageText: "Buy my course off-platform, DM me" }),
      expect.objectContaining({ context: "show_room", chatMessageText: null }),
    ]);
    expect(reports.every((r) => r.subjectUserId === creator.user.id && r.offsetSeconds !== null)).toBe(true);

    await step("an admin sees the chat report in the queue with the message", 30_000, async () => {
      const { page } = await signedIn(admin.email, /\/admin/);
      await page.goto("/admin/reports");
      await page.getByTestId("reported-message").filter({ hasText: "Buy my course off-platform, DM me" }).waitFor();
    });
    for (const x of [c, v]) await x.ctx.close();
  });
});
