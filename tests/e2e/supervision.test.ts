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

describe("supervision in Chromium", () => {
  it("an admin watches a live show unseen from its support page: the creator's room shows no extra participant; the audit log has the grant and the join", {
    timeout: 300_000,
  }, async () => {
    const { creator, event } = await scheduledShow({ startsInMinutes: 2, capacity: 5 });
    const viewer = await createUser({ name: "Wanda Watcher" });
    const admin = await createUser({ role: "admin", name: "Sol Supervisor" });
    await paidTicket(viewer, event.id);
    const [c, v, a] = await step("the creator, a viewer and an admin sign in", 40_000, () =>
      Promise.all([
        signedIn(creator.user.email, /\/studio/),
        signedIn(viewer.email, /\/dashboard/),
        signedIn(admin.email, /\/admin/),
      ]),
    );

    await step("the creator goes live and the viewer joins: the creator's room counts one viewer", 80_000, async () => {
      await c.page.goto(`/shows/${event.id}/room`);
      await c.page.getByTestId("local-video").waitFor();
      await c.page.getByTestId("join").click();
      await expect.poll(() => c.page.getByTestId("room-status").textContent(), { timeout: 30000 }).toBe("You are live");
      await v.page.goto(`/shows/${event.id}/room`);
      await v.page.getByTestId("join").click();
      await playing(v.page, "creator-video");
      await expect
        .poll(() => c.page.getByTestId("viewer-count").getAttribute("data-count"), { timeout: 15000 })
        .toBe("1");
    });

    await step(
      "the admin presses Watch unseen on the show's support page and sees the creator's video",
      60_000,
      async () => {
        await a.page.goto(`/admin/shows/${event.id}`);
        await a.page.getByTestId("supervise-start").click();
        await a.page.getByTestId("supervising").waitFor();
        await a.page
          .locator(`[data-testid="supervised-participant"][data-identity="${creator.user.id}"]`)
          .waitFor({ timeout: 20000 });
        await playing(a.page, "supervised-video");
      },
    );

    await step(
      "the supervisor's join is recorded; the creator and the viewer still count one viewer",
      40_000,
      async () => {
        await expect
          .poll(() => db.auditEvent.count({ where: { action: "room.supervision_joined", subjectId: event.id } }), {
            timeout: 20000,
          })
          .toBe(1);
        expect(await c.page.getByTestId("viewer-count").getAttribute("data-count")).toBe("1");
        expect(await v.page.getByTestId("viewer-count").getAttribute("data-count")).toBe("1");
        expect(await c.page.getByText("Sol Supervisor").count()).toBe(0);
        expect(await v.page.getByText("Sol Supervisor").count()).toBe(0);
      },
    );

    const audit = await db.auditEvent.findMany({
      where: { subjectId: event.id, action: { startsWith: "room.supervision" } },
      orderBy: { createdAt: "asc" },
      select: { action: true, actorId: true },
    });
    expect(audit.map((r) => r.action)).toEqual(["room.supervision_granted", "room.supervision_joined"]);
    expect(audit.every((r) => r.actorId === admin.id)).toBe(true);
    for (const x of [c, v, a]) await x.ctx.close();
  });
});
