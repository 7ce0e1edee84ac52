import { DateTime } from "luxon";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SLOT_TAKEN, bookSlot } from "@/lib/bookings/service";
import { db } from "@/lib/db";
import { bookableOffering, deliver, hold, sessionFor, signedEvent } from "../helpers/bookings";
import { launchBrowser, signInThroughForm } from "../helpers/browser";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
import { baseUrl } from "../helpers/http";
import { step } from "../helpers/steps";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedIn(email: string, home: RegExp, opts: { width?: number; height?: number; timezoneId: string }) {
  const ctx = await browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: opts.width ?? 1100, height: opts.height ?? 900 },
    timezoneId: opts.timezoneId,
  });
  ctx.setDefaultTimeout(20000);
  const page = await ctx.newPage();
  await signInThroughForm(page, email, TEST_PASSWORD, home);
  return page;
}

/** What has the keyboard focus: its role or tag, text, and the slot it belongs to. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      tag: el?.tagName.toLowerCase() ?? "",
      role: el?.getAttribute("role") ?? "",
      type: el?.getAttribute("type") ?? "",
      text: el?.textContent?.trim() ?? "",
      selected: el?.getAttribute("aria-selected") ?? "",
      slot: el?.closest<HTMLElement>('[data-testid="slot"]')?.dataset.startsAt ?? null,
      testid: el?.dataset.testid ?? "",
    };
  });

/** Presses Tab until `done` says so; returns how many presses it took (failing after `max`). */
async function tabUntil(page: Page, done: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 40) {
  for (let n = 1; n <= max; n++) {
    await page.keyboard.press("Tab");
    if (done(await focused(page))) return n;
  }
  throw new Error(`not reached in ${max} Tabs; focus is on ${JSON.stringify(await focused(page))}`);
}

describe("booking on a phone and by keyboard", () => {
  it("a day of 95 times fits a phone with the action in view; days are a tablist with arrow keys; a few Tabs reach a time and Continue; after paying, 'You're booked' with the time in the viewer's zone", {
    timeout: 150_000,
  }, async () => {
    const viewer = await createUser({ name: "Phone Viewer" });
    const sam = await db.offering.findFirstOrThrow({
      where: { creator: { slug: "sam-rivera" }, kind: "private_session" },
    });
    const page = await step("the viewer signs in on a 375 px phone in Tokyo", 20_000, () =>
      signedIn(viewer.email, /\/dashboard/, { width: 375, height: 740, timezoneId: "Asia/Tokyo" }),
    );

    await step("the header is one row at 375 px", 10_000, async () => {
      const nav = await page.getByTestId("site-nav").boundingBox();
      expect(nav!.height).toBeLessThan(64); // one row is 56 px; two are 100+
    });

    await step(
      "Sam's booking page: the day's times scroll in a short box, the action stays in view",
      20_000,
      async () => {
        await page.goto(`/book/${sam.id}`);
        await expect.poll(() => page.getByTestId("viewer-zone").textContent()).toBe("Asia/Tokyo");
        // Today's times (what is left of the day): the box scrolls, the action stays in view.
        const action = await page.getByRole("button", { name: "Pick a time first" }).boundingBox();
        expect(action!.y + action!.height).toBeLessThanOrEqual(740); // without scrolling
        expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(1800);
      },
    );

    await step("days are a tablist: one Tab stop, arrows, Home and End move between days", 20_000, async () => {
      const toDays = await tabUntil(page, (f) => f.role === "tab");
      expect(toDays).toBeLessThanOrEqual(9);
      const first = await focused(page);
      expect(first.selected).toBe("true");
      await page.keyboard.press("ArrowRight");
      const second = await focused(page);
      expect([second.role, second.selected]).toEqual(["tab", "true"]);
      expect(second.text).not.toBe(first.text);
      await page.keyboard.press("End");
      expect((await focused(page)).text).toBe(await page.getByRole("tab").last().textContent());
      await page.keyboard.press("Home");
      expect((await focused(page)).text).toBe(first.text);
      // The third day, clear of today's and tomorrow's bookings by other tests.
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      expect(await page.getByRole("tab", { selected: true }).textContent()).toBe(
        await page.getByRole("tab").nth(2).textContent(),
      );
      // A whole day of quarter hours, still in a short box with the action in view.
      expect(await page.getByTestId("slot").count()).toBeGreaterThan(40);
      const action = await page.getByRole("button", { name: "Pick a time first" }).boundingBox();
      expect(action!.y + action!.height).toBeLessThanOrEqual(740);
      expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(1800);
    });

    let startsAt = "";
    await step("one Tab into the day's times, arrows choose, one or two Tabs to Continue", 20_000, async () => {
      expect(await tabUntil(page, (f) => f.type === "radio")).toBe(1);
      await page.keyboard.press("ArrowRight");
      await page.keyboard.press("ArrowRight");
      const chosen = await focused(page);
      expect(chosen.slot).not.toBeNull();
      startsAt = chosen.slot!;
      expect(await page.locator('[data-testid="slot"]:has(input:checked)').getAttribute("data-starts-at")).toBe(
        startsAt,
      );
      expect(await tabUntil(page, (f) => f.text === "Continue to payment", 3)).toBeLessThanOrEqual(2);
      const action = await page.getByRole("button", { name: "Continue to payment" }).boundingBox();
      expect(action!.y + action!.height).toBeLessThanOrEqual(740);
    });

    await step("Continue and pay in the test checkout", 30_000, async () => {
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/checkout\/test\//);
      await page.getByRole("button", { name: "Pay (test mode)" }).click();
      await page.waitForURL(/\/bookings\/[^/?]+\?checkout=success/);
    });

    await step(
      "'You're booked' with the time in Tokyo and what happens next; Join session on one line",
      20_000,
      async () => {
        const booked = page.getByTestId("booked");
        await booked.waitFor({ timeout: 15000 });
        expect(await booked.getByRole("heading", { level: 2 }).textContent()).toBe("You're booked");
        const tokyo = DateTime.fromISO(startsAt, { zone: "Asia/Tokyo" });
        await expect.poll(() => booked.locator("p").first().textContent()).toContain(tokyo.toFormat("HH:mm"));
        const text = (await booked.textContent()) ?? "";
        expect(text).toMatch(/\d{1,2} \w{3} \d{4}, \d\d:\d\d (GMT\+9|JST)/);
        expect(text).toMatch(/The room opens 10 minutes before the start, at .*(GMT\+9|JST)/);
        expect(text).toMatch(/Join session/);
        expect(text).toContain(viewer.email);
        expect(text).toMatch(/move or cancel it for free \(full refund\) until/);
        const join = await page.getByTestId("join-session").boundingBox();
        expect(join!.height).toBeLessThan(40); // one line of text
        await page.context().close();
      },
    );
  });
});

describe("rescheduling and cancelling on the booking page", () => {
  it("the viewer moves a booking (a time taken meanwhile says so, the list refreshes); the creator cancels in two steps with a reason the viewer then sees", {
    timeout: 180_000,
  }, async () => {
    const { offering, slots, creator } = await bookableOffering({ timeZone: "Europe/Lisbon" });
    const first = slots.find((s) => s.getTime() > Date.now() + 30 * 3_600_000)!;
    const h = await hold(offering.id, first);
    await deliver(signedEvent("checkout.session.completed", sessionFor(h.payment)));
    const viewerPage = await step("the viewer signs in", 20_000, () =>
      signedIn(h.viewer.email, /\/dashboard/, { timezoneId: "Europe/Lisbon" }),
    );

    let taken = "";
    await step("Reschedule: pick a time, review it; someone books it meanwhile: 'just taken'", 30_000, async () => {
      await viewerPage.goto(`/bookings/${h.bookingId}`);
      await viewerPage.getByRole("button", { name: "Reschedule" }).click();
      // Focus moves into the picker.
      await expect.poll(async () => (await focused(viewerPage)).text).toBe("Pick a new time");
      await viewerPage.getByRole("tab").nth(3).click();
      const slot = viewerPage.getByTestId("slot").nth(4);
      taken = (await slot.getAttribute("data-starts-at"))!;
      await slot.click();
      await viewerPage.getByRole("button", { name: "Review the move" }).click();
      const review = viewerPage.getByTestId("reschedule-review");
      expect(await review.textContent()).toMatch(/From.*To.*The price stays €45\.00, already paid/);
      await bookSlot(await createUser(), { offeringId: offering.id, startsAt: taken });
      await review.getByRole("button", { name: "Yes, move it" }).click();
      await expect.poll(() => review.getByRole("alert").textContent()).toBe(SLOT_TAKEN);
      expect((await db.booking.findUniqueOrThrow({ where: { id: h.bookingId } })).startsAt).toEqual(first);
    });

    let moved = "";
    await step("the taken time is no longer offered; another time moves the booking", 30_000, async () => {
      await viewerPage.getByRole("button", { name: "Pick another time" }).click();
      // The same day as before (two days ahead, so the booking can still move afterwards): without the taken time.
      await viewerPage.getByRole("tab").nth(3).click();
      await viewerPage.getByTestId("slot").first().waitFor();
      await expect.poll(() => viewerPage.locator(`[data-testid="slot"][data-starts-at="${taken}"]`).count()).toBe(0);
      const slot = viewerPage.getByTestId("slot").nth(6);
      moved = (await slot.getAttribute("data-starts-at"))!;
      await slot.click();
      await viewerPage.getByRole("button", { name: "Review the move" }).click();
      await viewerPage.getByRole("button", { name: "Yes, move it" }).click();
      await expect
        .poll(() => viewerPage.getByTestId("reschedule").getByRole("status").textContent())
        .toMatch(/^Moved\./);
      expect((await db.booking.findUniqueOrThrow({ where: { id: h.bookingId } })).startsAt.toISOString()).toBe(moved);
      await expect.poll(() => viewerPage.getByTestId("moved").textContent()).toMatch(/^Moved by you from /);
    });

    const creatorPage = await step("the creator signs in", 20_000, () =>
      signedIn(creator.user.email, /\/studio/, { timezoneId: "Europe/Lisbon" }),
    );
    await step("the creator sees who moved it; Cancel asks first, Escape keeps the booking", 20_000, async () => {
      await creatorPage.goto(`/bookings/${h.bookingId}`);
      expect(await creatorPage.getByTestId("moved").textContent()).toMatch(/^Moved by Test User from /);
      const opener = creatorPage.getByRole("button", { name: "Cancel booking…" });
      await opener.focus();
      await creatorPage.keyboard.press("Enter");
      expect((await focused(creatorPage)).text).toBe("Cancel this booking?");
      expect(await creatorPage.getByTestId("cancel-consequence").textContent()).toBe(
        "The viewer gets a refund of €45.00.",
      );
      await creatorPage.keyboard.press("Escape");
      expect((await focused(creatorPage)).text).toBe("Cancel booking…");
      expect((await db.booking.findUniqueOrThrow({ where: { id: h.bookingId } })).status).toBe("confirmed");
    });

    await step(
      "the creator confirms with a reason; the viewer's page shows who cancelled and why",
      30_000,
      async () => {
        await creatorPage.getByRole("button", { name: "Cancel booking…" }).click();
        await creatorPage.getByLabel("Reason (optional, shown to Test User)").fill("I am ill, sorry!");
        await creatorPage.getByRole("button", { name: "Yes, cancel and refund €45.00" }).click();
        await expect.poll(() => creatorPage.getByTestId("booking-status").textContent()).toBe("Cancelled");
        await viewerPage.reload();
        expect(await viewerPage.getByTestId("cancellation").textContent()).toMatch(/^Cancelled by Test Creator\./);
        expect(await viewerPage.getByTestId("cancel-reason").textContent()).toBe("I am ill, sorry!");
        await viewerPage.context().close();
        await creatorPage.context().close();
      },
    );
  });
});
