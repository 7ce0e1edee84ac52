import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, signInThroughForm } from "../helpers/browser";
import { TEST_PASSWORD } from "../helpers/factories";
import { baseUrl } from "../helpers/http";
import { paidSession } from "../helpers/sessions";
import { step } from "../helpers/steps";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedInPage(email: string, home: RegExp) {
  const ctx = await browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: 1100, height: 900 },
    timezoneId: "Europe/Lisbon",
  });
  ctx.setDefaultTimeout(30000);
  const page = await ctx.newPage();
  await signInThroughForm(page, email, TEST_PASSWORD, home);
  return page;
}

/** The focused element's test id and text (null when focus is on <body>). */
const focus = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return !el || el === document.body ? null : { testid: el.dataset.testid ?? "", text: el.textContent?.trim() ?? "" };
  });

/** Presses Join from the keyboard once the device check is ready. */
async function joinByKeyboard(page: Page) {
  const join = page.getByTestId("join");
  await expect.poll(() => join.isEnabled(), { timeout: 15000 }).toBe(true);
  await join.focus();
  await page.keyboard.press("Enter");
}

const remoteWidth = (page: Page) =>
  page
    .getByTestId("remote-video")
    .evaluate((v: HTMLVideoElement) => v.videoWidth)
    .catch(() => 0);

describe("the room for keyboard users and the other side's devices (Chromium)", () => {
  it("focus moves into the call after Join and to the end screen after Leave; the other side's muted microphone and camera turned off mid-call are shown", {
    timeout: 200_000,
  }, async () => {
    const { booking, viewer, creator } = await paidSession({ startsInMinutes: 2 });
    const [viewerPage, creatorPage] = await step("the viewer and the creator sign in", 25_000, () =>
      Promise.all([signedInPage(viewer.email, /\/dashboard/), signedInPage(creator.user.email, /\/studio/)]),
    );

    await step("the creator joins by keyboard; focus moves into the call, not to <body>", 30_000, async () => {
      await creatorPage.goto(`/sessions/${booking.id}`);
      await joinByKeyboard(creatorPage);
      await expect
        .poll(() => creatorPage.getByTestId("room-status").textContent(), { timeout: 25000 })
        .toBe("Waiting for the other side…");
      await expect.poll(async () => (await focus(creatorPage))?.testid).toBe("call");
    });

    await step("the viewer joins and sees the creator's video, microphone on", 40_000, async () => {
      await viewerPage.goto(`/sessions/${booking.id}`);
      await joinByKeyboard(viewerPage);
      await expect.poll(() => remoteWidth(viewerPage), { timeout: 30000 }).toBeGreaterThan(0);
      await expect.poll(async () => (await focus(viewerPage))?.testid).toBe("call");
      await expect.poll(() => viewerPage.getByTestId("remote-mic-off").count(), { timeout: 10000 }).toBe(0);
    });

    await step("the creator mutes: the viewer sees the microphone-off icon; unmuted, it goes", 30_000, async () => {
      await creatorPage.getByTestId("toggle-mic").click();
      const icon = viewerPage.getByTestId("remote-mic-off");
      await icon.waitFor({ timeout: 15000 });
      expect(await icon.getAttribute("aria-label")).toBe("Test Creator's microphone is off");
      await creatorPage.getByTestId("toggle-mic").click();
      await expect.poll(() => icon.count(), { timeout: 15000 }).toBe(0);
    });

    await step(
      "the creator stops the camera: the viewer reads 'turned the camera off', then sees video again",
      40_000,
      async () => {
        await creatorPage.getByTestId("toggle-camera").click();
        const placeholder = viewerPage.getByTestId("remote-placeholder");
        await placeholder.waitFor({ timeout: 15000 });
        await expect
          .poll(() => placeholder.textContent(), { timeout: 10000 })
          .toBe("Test Creator turned the camera off.");
        await creatorPage.getByTestId("toggle-camera").click();
        await expect.poll(() => remoteWidth(viewerPage), { timeout: 20000 }).toBeGreaterThan(0);
      },
    );

    await step("the viewer leaves by keyboard: focus goes to the end screen's heading", 20_000, async () => {
      await viewerPage.getByTestId("leave").focus();
      await viewerPage.keyboard.press("Enter");
      await viewerPage.getByTestId("room-ended").waitFor();
      await expect.poll(() => focus(viewerPage)).toEqual({ testid: "room-status", text: "You left the session." });
      expect(await viewerPage.getByRole("heading", { name: "You left the session." }).count()).toBe(1);
      await viewerPage.context().close();
      await creatorPage.context().close();
    });
  });
});
