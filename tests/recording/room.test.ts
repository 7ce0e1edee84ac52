import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
import { launchBrowser, signInThroughForm } from "../helpers/browser";
import { baseUrl } from "../helpers/http";
import { paidSession } from "../helpers/sessions";
import { step } from "../helpers/steps";

// A recorded session in Chromium on the real stack (LiveKit Egress included): both sides read the consent
// notice before joining, both see the recording indicator once Egress records, and an admin plays the
// recording from the support page.

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedInPage(email: string, home: RegExp) {
  const ctx = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1100, height: 900 } });
  ctx.setDefaultTimeout(30_000);
  const page = await ctx.newPage();
  await signInThroughForm(page, email, TEST_PASSWORD, home);
  return page;
}

const indicator = (page: Page) => page.getByTestId("recording-indicator");

describe("a recorded session in Chromium", () => {
  it("both sides read the consent notice and see the indicator; an admin plays the recording from the support page", {
    timeout: 420_000,
  }, async () => {
    const { booking, viewer, creator } = await paidSession({ startsInMinutes: 2, recordingPolicy: "always" });
    const admin = await createUser({ role: "admin" });
    const [viewerPage, creatorPage] = await step("the viewer and the creator sign in", 30_000, () =>
      Promise.all([signedInPage(viewer.email, /\/dashboard/), signedInPage(creator.user.email, /\/studio/)]),
    );

    await step("both read before joining that the session is recorded", 20_000, async () => {
      for (const page of [viewerPage, creatorPage]) {
        await page.goto(`/sessions/${booking.id}`);
        expect(await page.getByTestId("recording-notice").textContent()).toMatch(/^This session is recorded/);
        expect(await indicator(page).count()).toBe(0);
      }
    });

    await step("both join; once Egress records, both see the indicator and hear it announced", 90_000, async () => {
      await viewerPage.getByTestId("join").click();
      await creatorPage.getByTestId("join").click();
      for (const page of [viewerPage, creatorPage]) {
        await indicator(page).waitFor({ state: "visible", timeout: 60_000 });
        expect(await page.getByTestId("recording-announcement").textContent()).toBe("Recording started");
      }
    });

    // An egress's end that never reaches livekit-server is reconciled by the app's sweeper (60 s, every 30 s).
    await step("a few seconds of call, then both leave and the files are stored", 170_000, async () => {
      await new Promise((r) => setTimeout(r, 6000));
      await viewerPage.getByTestId("leave").click();
      await creatorPage.getByTestId("leave").click();
      await expect
        .poll(
          async () =>
            (await db.recording.findMany({ where: { roomSession: { bookingId: booking.id } } })).filter(
              (r) => r.status === "complete" && r.storageKey,
            ).length,
          { timeout: 150_000, interval: 500 },
        )
        .toBeGreaterThanOrEqual(2);
    });

    const adminPage = await step("an admin signs in", 20_000, () => signedInPage(admin.email, /\/admin/));
    await step(
      "the admin opens the session's story and plays a recording from its Recordings card",
      40_000,
      async () => {
        await adminPage.goto(`/admin/sessions/${booking.id}`);
        expect(await adminPage.getByTestId("recording-verdict").textContent()).toMatch(/Completeness/);
        // Each track is its own file (the browsers' microphones too, as Opus in OGG): play a camera's.
        await adminPage
          .getByTestId("recordings")
          .locator("li", { hasText: "camera of" })
          .getByRole("link", { name: "Play" })
          .first()
          .click();
        await adminPage.waitForURL(/\/recordings\/[^/]+$/);
        const player = adminPage.getByTestId("recording-player");
        await player.evaluate((v: HTMLVideoElement) => {
          v.muted = true;
          return v.play();
        });
        // Playing: the position moves on and frames are decoded (streamed through the signed, ranged route).
        await expect
          .poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 })
          .toBeGreaterThan(0.5);
        expect(await player.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBeGreaterThan(0);
      },
    );
  });
});
