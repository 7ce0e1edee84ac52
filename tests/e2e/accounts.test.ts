import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { launchBrowser, newContext, signInThroughForm } from "../helpers/browser";
import { db } from "@/lib/db";
import { TEST_PASSWORD, createUser, uniqueEmail } from "../helpers/factories";
import { step } from "../helpers/steps";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("in Chromium", () => {
  it("a visitor signs up as a viewer and sees their dashboard", async () => {
    const page = await (await newContext(browser)).newPage();
    const email = uniqueEmail("e2e-signup");
    await step("a short password and no consent are refused, and the form keeps what was typed", 25_000, async () => {
      await page.goto("/");
      await page.getByRole("link", { name: "Sign up" }).click();
      await page.getByLabel("Your name").fill("Erin Example");
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill("short");
      await page.getByRole("button", { name: "Create account" }).click();
      await expect.poll(() => page.getByText("Use at least 10 characters for your password").isVisible()).toBe(true);
      expect(await page.getByText("Tick the box to agree to the terms and privacy policy").isVisible()).toBe(true);
      // The form keeps what was typed, except the password.
      expect(await page.getByLabel("Your name").inputValue()).toBe("Erin Example");
    });

    await step("a long enough password and the terms box: the answer is 'check your email'", 25_000, async () => {
      await page.getByLabel("Password").fill("a long enough password");
      await page.getByRole("checkbox", { name: /I agree to the terms of service/ }).check();
      await expect.poll(() => page.getByLabel("Password").inputValue()).toBe("a long enough password");
      await page.getByRole("button", { name: "Create account" }).click();
      await expect.poll(() => page.getByTestId("signup-sent").textContent()).toMatch(/we sent an email to/);
    });

    await step("the welcome email's link confirms the address, signs in and shows the dashboard", 25_000, async () => {
      const mail = await db.emailMessage.findFirstOrThrow({ where: { toAddress: email }, select: { textBody: true } });
      const link = /https?:\/\/\S+\/verify-email\?\S+/.exec(mail.textBody)![0];
      const url = new URL(link);
      await page.goto(url.pathname + url.search);
      await page.getByRole("button", { name: "Confirm my email and sign in" }).click();
      await page.waitForURL(/\/dashboard$/);
      expect(await page.getByRole("heading", { name: "Hi, Erin Example" }).isVisible()).toBe(true);
      expect(await page.getByText("No bookings yet").isVisible()).toBe(true);
      expect(await page.getByRole("button", { name: "Apply to become a creator" }).isVisible()).toBe(true);
      expect(await page.getByRole("region", { name: "Confirm your email" }).count()).toBe(0);
    });
  });

  it("a person who forgot their password gets a link by email, chooses a new one and is signed in", async () => {
    const user = await createUser({ name: "Forgetful Fay" });
    const page = await (await newContext(browser)).newPage();
    await step("'Forgot your password?' on the sign-in page asks for the address", 20_000, async () => {
      await page.goto("/signin");
      await page.getByRole("link", { name: "Forgot your password?" }).click();
      await page.waitForURL(/\/forgot-password$/);
      await page.getByLabel("Email").fill(user.email);
      await page.getByRole("button", { name: "Email me a reset link" }).click();
      await expect.poll(() => page.getByRole("status").textContent()).toMatch(/If an account uses that address/);
    });
    await step("the emailed link sets the new password and signs in", 25_000, async () => {
      const mail = await db.emailMessage.findFirstOrThrow({
        where: { toAddress: user.email, subject: { contains: "Reset your" } },
        select: { textBody: true },
      });
      const url = new URL(/https?:\/\/\S+\/reset-password\?\S+/.exec(mail.textBody)![0]);
      await page.goto(url.pathname + url.search);
      await page.getByLabel("New password").fill("a fresh sturdy password");
      await page.getByRole("button", { name: "Save the new password" }).click();
      await page.waitForURL(/\/dashboard$/);
      expect(await page.getByRole("heading", { name: "Hi, Forgetful Fay" }).isVisible()).toBe(true);
    });
  });

  it("a seeded creator edits profile, offering and availability, and the public profile shows it", {
    timeout: 120_000,
  }, async () => {
    const page = await (await newContext(browser)).newPage();
    const bio = `Now teaching figure drawing too (${Date.now()}).`;
    await step("the creator signs in", 20_000, () =>
      signInThroughForm(page, "maya@booth.test", DEMO_PASSWORD, /\/studio$/),
    );

    await step("the profile is saved and published", 15_000, async () => {
      const profile = page.getByRole("form", { name: "Profile" });
      await profile.getByLabel("Bio").fill(bio);
      await profile.getByRole("button", { name: "Save profile" }).click();
      await expect.poll(() => profile.getByRole("status").textContent()).toMatch(/Profile saved and published/);
    });

    await step("a negative price is refused, then the offering is added", 20_000, async () => {
      const offering = page.getByRole("form", { name: "New offering" });
      await offering.getByLabel("Title", { exact: true }).fill("Figure drawing clinic");
      await offering.getByLabel("Price", { exact: true }).fill("-5");
      await offering.getByRole("button", { name: "Add offering" }).click();
      await expect.poll(() => offering.getByText("The price can't be negative").isVisible()).toBe(true);
      await offering.getByLabel("Price", { exact: true }).fill("33.00");
      await offering.getByLabel("Minutes", { exact: true }).fill("45");
      await offering.getByLabel("Currency").selectOption("EUR");
      await offering.getByRole("button", { name: "Add offering" }).click();
      await expect.poll(() => offering.getByRole("status").textContent()).toMatch(/Offering added/);
    });

    await step("the weekly availability is saved", 15_000, async () => {
      const week = page.getByRole("form", { name: "Weekly availability" });
      await week.getByLabel("Saturday first range start").fill("10:00");
      await week.getByLabel("Saturday first range end").fill("13:00");
      await week.getByRole("button", { name: "Save availability" }).click();
      await expect.poll(() => week.getByRole("status").textContent()).toMatch(/Weekly availability saved/);
    });

    await step("the public profile shows the bio, the offering and the hours", 15_000, async () => {
      await page.goto("/creators/maya-chen");
      expect(await page.getByTestId("creator-bio").textContent()).toBe(bio);
      const added = page.getByTestId("offering").filter({ hasText: "Figure drawing clinic" });
      expect(await added.getByTestId("offering-price").textContent()).toBe("€33.00");
      expect(await added.textContent()).toMatch(/45 minutes/);
      expect(await page.getByTestId("weekly-hours").textContent()).toMatch(/Saturday10:00–13:00/);
    });
  });

  it("an admin suspends a viewer, and the viewer's next page load signs them out with a clear message", {
    timeout: 120_000,
  }, async () => {
    const viewer = await createUser({ name: "Sam Suspendme" });
    const viewerPage = await (await newContext(browser)).newPage();
    const adminPage = await (await newContext(browser)).newPage();
    await step("the viewer and an admin sign in", 25_000, () =>
      Promise.all([
        signInThroughForm(viewerPage, viewer.email, TEST_PASSWORD, /\/dashboard$/),
        signInThroughForm(adminPage, "admin@booth.test", DEMO_PASSWORD, /\/admin$/),
      ]),
    );

    await step("the admin finds the viewer and suspends them with a reason", 20_000, async () => {
      await adminPage.getByLabel("Search users").fill(viewer.email);
      await adminPage.getByRole("button", { name: "Search" }).click();
      const row = adminPage.getByTestId(`user-${viewer.email}`);
      await row.getByLabel(`Reason for suspending ${viewer.email}`).fill("Abusive messages");
      await row.getByRole("button", { name: `Suspend ${viewer.email}` }).click();
      await expect.poll(() => row.getByRole("status").textContent()).toMatch(/User suspended/);
    });

    await step("the viewer's next page load signs them out and says why", 20_000, async () => {
      await viewerPage.reload();
      await viewerPage.waitForURL(/\/signin\?reason=suspended$/);
      expect(await viewerPage.getByTestId("signin-notice").textContent()).toMatch(
        /signed out because your account was suspended/,
      );
    });

    await step("the session is gone, and signing in again is refused as suspended", 25_000, async () => {
      // The session is gone, not just hidden: the dashboard now asks for a sign-in.
      await viewerPage.goto("/dashboard");
      await viewerPage.waitForURL(/\/signin\?callbackUrl=%2Fdashboard$/);
      // And signing in again is refused with the same clarity.
      await viewerPage.getByLabel("Email").fill(viewer.email);
      await viewerPage.getByLabel("Password").fill(TEST_PASSWORD);
      await viewerPage.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(() => viewerPage.getByRole("alert").first().textContent()).toMatch(/This account is suspended/);
    });
  });
});
