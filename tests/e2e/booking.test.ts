import fs from "node:fs";
import ical, { type VEvent } from "node-ical";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { launchBrowser, signInThroughForm } from "../helpers/browser";
import { baseUrl } from "../helpers/http";
import { step } from "../helpers/steps";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const context = (timezoneId: string) =>
  browser.newContext({ baseURL: baseUrl(), viewport: { width: 1100, height: 900 }, timezoneId });

describe("booking and paying in Chromium", () => {
  it("a viewer books a time, pays in the test checkout and sees it confirmed; the creator sees it; both get mail with a calendar file", {
    timeout: 150_000,
  }, async () => {
    const viewerCtx = await context("Asia/Tokyo");
    viewerCtx.setDefaultTimeout(20000);
    const page = await viewerCtx.newPage();
    let bookingId = "";
    let startsAt: string | null = null;
    await step(
      "a signed-out viewer picks a time in their zone, signs in, and the time is still picked",
      35_000,
      async () => {
        // Signed out: pick a time first, then sign in; the time is still picked afterwards.
        await page.goto("/creators/leo-park");
        await page.getByRole("link", { name: "Book a time" }).click();
        await page.waitForURL(/\/book\//);
        // Times are offered in the viewer's own zone, not the creator's.
        await expect.poll(() => page.getByTestId("viewer-zone").textContent()).toBe("Asia/Tokyo");
        const slot = page.getByTestId("slot").nth(1);
        startsAt = await slot.getAttribute("data-starts-at");
        await slot.click();
        await page.getByTestId("signin-to-book").click();
        await page.waitForURL(/\/signin\?/);
        await page.getByLabel("Email").fill("viewer@booth.test");
        await page.getByLabel("Password").fill(DEMO_PASSWORD);
        await page.getByRole("button", { name: "Sign in" }).click();
        await page.waitForURL(/\/book\/[^?]+\?slot=/);
        await expect
          .poll(() => page.locator('[data-testid="slot"]:has(input:checked)').getAttribute("data-starts-at"))
          .toBe(startsAt);
        expect(await page.getByTestId("chosen-slot").textContent()).toMatch(/\(Asia\/Tokyo\)/);
      },
    );

    await step("the test checkout shows the total; paying confirms the booking", 30_000, async () => {
      await page.getByRole("button", { name: "Continue to payment" }).click();
      await page.waitForURL(/\/checkout\/test\/cs_test_booth_/);
      expect(await page.getByTestId("test-mode-banner").textContent()).toMatch(/TEST MODE/);
      expect(await page.getByTestId("checkout-total").textContent()).toBe("$55.00");

      await page.getByRole("button", { name: "Pay (test mode)" }).click();
      await page.waitForURL(/\/bookings\/[^/?]+\?checkout=success/);
      bookingId = new URL(page.url()).pathname.split("/").pop()!;
      await expect.poll(() => page.getByTestId("booking-status").textContent(), { timeout: 15000 }).toBe("Confirmed");
      expect(await page.getByTestId("payment-status").textContent()).toBe("paid");
      const booking = await db.booking.findUniqueOrThrow({ where: { id: bookingId } });
      expect(booking.startsAt.toISOString()).toBe(startsAt);
      expect(booking.viewerTimeZone).toBe("Asia/Tokyo");
    });

    await step("Add to calendar downloads the booking in the viewer's zone", 15_000, async () => {
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByTestId("add-to-calendar").click(),
      ]);
      const event = Object.values(ical.sync.parseICS(fs.readFileSync((await download.path())!, "utf8"))).find(
        (c) => c?.type === "VEVENT",
      ) as VEvent;
      expect([new Date(event.start).toISOString(), event.start.tz]).toEqual([startsAt, "Asia/Tokyo"]);
    });

    await step("the creator sees the booking and the earnings in Studio", 30_000, async () => {
      const creatorPage = await (await context("America/New_York")).newPage();
      await signInThroughForm(creatorPage, "leo@booth.test", DEMO_PASSWORD, /\/studio$/);
      await creatorPage.goto("/studio/bookings");
      const upcoming = creatorPage.getByTestId("upcoming-bookings");
      expect(
        await upcoming
          .getByRole("link", { name: /Guitar lesson with/ })
          .first()
          .isVisible(),
      ).toBe(true);
      expect(await upcoming.locator(`a[href="/bookings/${bookingId}"]`).count()).toBe(1);
      expect(await creatorPage.getByTestId("net").first().textContent()).toMatch(/\$\d/);
    });

    // The development outbox holds one email to each side, each with a valid calendar file in the
    // recipient's own time zone.
    const booking = await db.booking.findUniqueOrThrow({ where: { id: bookingId } });
    const mails = await db.emailMessage.findMany({
      where: { traceId: booking.traceId },
      orderBy: { toAddress: "asc" },
    });
    expect(mails.map((m) => m.toAddress)).toEqual(["leo@booth.test", "viewer@booth.test"]);
    await step("the outbox lists both emails, each calendar file in its recipient's zone", 20_000, async () => {
      await page.goto("/dev/outbox");
      for (const m of mails) expect(await page.getByText(m.subject).first().isVisible()).toBe(true);
      for (const [m, zone] of [
        [mails[0]!, "America/New_York"],
        [mails[1]!, "Asia/Tokyo"],
      ] as const) {
        const res = await fetch(`${baseUrl()}/dev/outbox/${m.id}/ics`);
        expect(res.headers.get("content-type")).toMatch(/text\/calendar/);
        const parsed = ical.sync.parseICS(await res.text());
        const event = Object.values(parsed).find((c) => c?.type === "VEVENT") as VEvent;
        expect(new Date(event.start).toISOString()).toBe(booking.startsAt.toISOString());
        expect(new Date(event.end!).toISOString()).toBe(booking.endsAt.toISOString());
        expect(event.start.tz).toBe(zone);
      }
    });
  });
});
