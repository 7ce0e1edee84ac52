import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bookSlot } from "@/lib/bookings/service";
import { applyAsCreator } from "@/lib/creators/applications";
import { db } from "@/lib/db";
import { appendTrace } from "@/lib/trace/service";
import { type A11yFinding, axeFindings, describeFindings } from "../helpers/axe";
import { bookableOffering, deliver, hold, sessionFor, signedEvent } from "../helpers/bookings";
import { launchBrowser, signInThroughForm } from "../helpers/browser";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
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

async function pageAs(email: string | null, home: RegExp, timezoneId = "Europe/Lisbon") {
  const ctx = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1100, height: 900 }, timezoneId });
  ctx.setDefaultTimeout(20000);
  const page = await ctx.newPage();
  if (email) await signInThroughForm(page, email, TEST_PASSWORD, home);
  return page;
}

describe("accessibility in Chromium (axe-core)", () => {
  it("every page type, as the people who use it, has no axe violation", { timeout: 300_000 }, async () => {
    const findings: A11yFinding[] = [];
    /** Opens `path`, waits for its heading (and `ready`), and runs axe. */
    const check = async (page: Page, path: string | null, label: string, ready?: () => Promise<unknown>) => {
      if (path) await page.goto(path);
      await page.locator("h1").first().waitFor();
      if (ready) await ready();
      findings.push(...(await axeFindings(page, label)));
    };

    // The people and what they own: a viewer with a confirmed booking two days ahead, a paid session about
    // to start (its room is open), a creator, an admin, and a new creator with no profile yet.
    const { offering, slots, creator } = await bookableOffering();
    const later = slots.find((s) => s.getTime() > Date.now() + 30 * 3_600_000)!;
    const booked = await hold(offering.id, later);
    await deliver(signedEvent("checkout.session.completed", sessionFor(booked.payment)));
    const live = await paidSession({ startsInMinutes: 2 });
    const admin = await createUser({ role: "admin" });
    const sam = await db.offering.findFirstOrThrow({
      where: { creator: { slug: "sam-rivera" }, kind: "private_session" },
    });

    await step(
      "signed out: landing, directory, profile, booking, sign-in, sign-up, password reset, email confirmation, terms, 404",
      40_000,
      async () => {
        const page = await pageAs(null, /./);
        await check(page, "/", "landing");
        await check(page, "/creators", "directory");
        await check(page, "/creators/sam-rivera", "creator profile");
        await check(page, `/book/${sam.id}`, "book", () => page.getByTestId("slot").first().waitFor());
        await check(page, "/signin", "sign-in");
        await check(page, "/signup", "sign-up");
        await check(page, "/forgot-password", "forgot password");
        await check(page, "/reset-password?token=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "reset password");
        await check(page, "/verify-email?token=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "confirm email");
        await check(page, "/legal/terms", "terms");
        await check(page, "/no-such-page", "404");
        await page.context().close();
      },
    );

    await step(
      "the viewer: dashboard, account, booking page ('You're booked', reschedule, cancel), test checkout",
      60_000,
      async () => {
        const page = await pageAs(booked.viewer.email, /\/dashboard/);
        await check(page, "/dashboard", "dashboard");
        await check(page, "/account", "account");
        await check(page, `/bookings/${booked.bookingId}?checkout=success`, "booking page", () =>
          page.getByTestId("booked").waitFor(),
        );
        await page.getByRole("button", { name: "Reschedule" }).click();
        // The first open time of the first day that has one (late in the day, that day may have only one).
        await page.getByTestId("slot").first().click();
        await check(page, null, "booking page: picking a new time");
        await page.getByRole("button", { name: "Review the move" }).click();
        await check(page, null, "booking page: reviewing the move", () =>
          page.getByTestId("reschedule-review").waitFor(),
        );
        await page.getByRole("button", { name: "Pick another time" }).click();
        await page.getByRole("button", { name: "Cancel booking…" }).click();
        await check(page, null, "booking page: confirming the cancel", () =>
          page.getByRole("heading", { name: "Cancel this booking?" }).waitFor(),
        );
        const { checkoutUrl } = await bookSlot(booked.viewer, {
          offeringId: offering.id,
          startsAt: slots.find((s) => s > later)!.toISOString(),
        });
        await check(page, checkoutUrl, "test checkout");
        await page.context().close();
      },
    );

    await step("the viewer of a session about to start: the room's device check", 40_000, async () => {
      const page = await pageAs(live.viewer.email, /\/dashboard/);
      await check(page, `/sessions/${live.booking.id}`, "room pre-join", async () => {
        await page.getByTestId("join").waitFor();
        await expect
          .poll(() => page.getByTestId("local-video").evaluate((v: HTMLVideoElement) => v.videoWidth), {
            timeout: 15000,
          })
          .toBeGreaterThan(0);
      });
      await page.context().close();
    });

    await step("the creator: studio, studio bookings, recordings; a new creator's studio", 40_000, async () => {
      const page = await pageAs(creator.user.email, /\/studio/);
      await check(page, "/studio", "studio");
      await check(page, "/studio/bookings", "studio bookings");
      await check(page, "/studio/recordings", "studio recordings");
      await page.context().close();
      const fresh = await createUser({ role: "creator", name: "New Creator" });
      const newPage = await pageAs(fresh.email, /\/studio/, "America/Chicago");
      await check(newPage, "/studio", "studio (new creator)");
      await newPage.context().close();
    });

    // A period in the past with one failed join (a refused camera): setup success is 0 %, below its
    // threshold, so the metrics page shows a red card.
    const day = "2021-03-03";
    await appendTrace({
      traceId: `a11y-${live.booking.id}`,
      type: "client.device_error",
      source: "client",
      actorId: live.viewer.id,
      occurredAt: new Date(`${day}T12:00:00Z`),
      payload: { role: "viewer", device: "camera", error: "denied", name: "NotAllowedError", joinId: "a11y-join-0001" },
    });
    await step(
      "the admin: admin, sessions, reports, audit log, support page, metrics with a breach, reconciliation",
      55_000,
      async () => {
        const page = await pageAs(admin.email, /\/admin/);
        await check(page, "/admin", "admin");
        await check(page, "/admin/sessions", "admin sessions");
        await check(page, "/admin/reports", "moderation queue");
        await check(page, "/admin/audit", "audit log");
        await check(page, `/admin/sessions/${live.booking.id}`, "support page");
        await check(page, `/admin/metrics?from=${day}&to=${day}`, "metrics", async () => {
          expect(await page.locator('[data-breached="true"]').count()).toBeGreaterThan(0);
        });
        // A run with a mismatch and its alert, as the nightly sweep leaves them.
        const run = await db.reconciliationRun.create({
          data: {
            trigger: "nightly",
            finishedAt: new Date(),
            checkedPayments: 1,
            mismatches: 1,
            findings: [
              {
                kind: "booth_paid_not_in_stripe",
                paymentId: "pay_a11y",
                refundId: null,
                stripeId: "pi_a11y",
                message: "Booth has €40.00 as paid; Stripe says requires_payment_method",
              },
            ],
          },
        });
        await db.opsAlert.create({
          data: { kind: "reconciliation", runId: run.id, message: "1 mismatch between Booth's ledger and Stripe" },
        });
        await check(page, "/admin/reconciliation", "reconciliation", async () => {
          expect(await page.getByTestId("finding").count()).toBeGreaterThan(0);
        });
        await page.context().close();
      },
    );

    expect(findings, `axe found violations:\n${describeFindings(findings)}`).toEqual([]);
  });

  it("small things: a new creator's zone is the browser's, the directory names its currencies and zones, approving shows that it is under way", {
    timeout: 120_000,
  }, async () => {
    await step("a new creator's studio proposes the browser's time zone, not UTC", 25_000, async () => {
      const fresh = await createUser({ role: "creator", name: "Zoe Zone" });
      const page = await pageAs(fresh.email, /\/studio/, "America/Chicago");
      await expect
        .poll(() => page.getByRole("form", { name: "Profile" }).getByLabel("Time zone").inputValue())
        .toBe("America/Chicago");
      await page.context().close();
    });

    await step(
      "the directory says prices are in each creator's currency; profiles name zones in words",
      20_000,
      async () => {
        const page = await pageAs(null, /./);
        await page.goto("/creators");
        expect(await page.getByTestId("currency-note").textContent()).toMatch(
          /each creator's own currency \(.*EUR.*USD/,
        );
        const sam = page.getByRole("link", { name: /Sam Rivera/ });
        // The cheapest of Sam's offerings: the demo show's ticket (3.00), below the quick call (5.00).
        expect(await sam.getByTestId("creator-from").textContent()).toBe("From €3.00 (EUR)");
        await page.goto("/creators/leo-park");
        expect(await page.getByTestId("creator-zone").textContent()).toBe("Hours in Eastern Time (New York)");
        expect(await page.locator("main").textContent()).not.toContain("America/New_York");
        await page.context().close();
      },
    );

    const applicant = await createUser({ name: "Pat Pending" });
    await applyAsCreator(applicant, { displayName: "Pat Pending", pitch: "Watercolour lessons for beginners." });
    const admin = await createUser({ role: "admin" });
    await step(
      "approving an application shows 'Approving…' and disables both buttons until the answer",
      30_000,
      async () => {
        const page = await pageAs(admin.email, /\/admin/);
        await page.goto("/admin");
        // The answer is held back 2 s, as on a slow connection.
        await page.route("**/admin", async (route) => {
          if (route.request().method() === "POST") await new Promise((r) => setTimeout(r, 2000));
          await route.continue();
        });
        const card = page.getByTestId("application").filter({ hasText: "Pat Pending" });
        await card.getByRole("button", { name: "Approve Pat Pending" }).click();
        await card.getByRole("button", { name: "Approving…" }).waitFor({ timeout: 1500 });
        expect(await card.getByRole("button", { name: "Approving…" }).isDisabled()).toBe(true);
        expect(await card.getByRole("button", { name: "Decline" }).isDisabled()).toBe(true);
        // Decided: the application leaves the list of those waiting.
        await expect.poll(() => card.count(), { timeout: 15000 }).toBe(0);
        expect((await db.creatorApplication.findFirstOrThrow({ where: { userId: applicant.id } })).status).toBe(
          "approved",
        );
        await page.context().close();
      },
    );
  });
});
