import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { launchBrowser, newContext, signInThroughForm } from "../helpers/browser";
import { TEST_PASSWORD, createCreator, createUser } from "../helpers/factories";
import { step } from "../helpers/steps";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("in Chromium", () => {
  it("a viewer reports a creator from the profile; an admin warns them from the queue; the audit log shows it", {
    timeout: 120_000,
  }, async () => {
    const creator = await createCreator();
    const viewer = await createUser({ name: "Rita Reporter" });
    const admin = await createUser({ role: "admin" });
    const note = `Keep your offers on the platform (${Date.now()}).`;

    const viewerPage = await (await newContext(browser)).newPage();
    await step("the viewer reports the creator from the profile", 30_000, async () => {
      await signInThroughForm(viewerPage, viewer.email, TEST_PASSWORD, /\/dashboard$/);
      await viewerPage.goto(`/creators/${creator.profile.slug}`);
      await viewerPage.getByRole("button", { name: "Report Test Creator" }).click();
      const form = viewerPage.getByRole("form", { name: "Report Test Creator" });
      await form.getByLabel("What happened?").selectOption("scam");
      await form.getByLabel(/Details/).fill("Asked me to pay by bank transfer instead.");
      await form.getByRole("button", { name: "Send report" }).click();
      await expect.poll(() => viewerPage.getByRole("status").first().textContent()).toMatch(/Thank you/);
    });

    const adminPage = await (await newContext(browser)).newPage();
    await step("the admin finds it in the queue and warns the creator", 30_000, async () => {
      await signInThroughForm(adminPage, admin.email, TEST_PASSWORD, /\/admin$/);
      await adminPage.getByRole("link", { name: "Reports" }).click();
      await adminPage.waitForURL(/\/admin\/reports$/);
      const item = adminPage.getByTestId("report").filter({ hasText: creator.user.email });
      expect(await item.getByText("Asked me to pay by bank transfer instead.").isVisible()).toBe(true);
      await item.getByLabel("Action").selectOption("warn");
      await item.getByLabel(/^Why/).fill(note);
      await item.getByRole("button", { name: "Apply" }).click();
      await expect.poll(() => adminPage.getByText(`“${note}”`).isVisible(), { timeout: 15_000 }).toBe(true);
    });

    await step("the audit log lists the handled report, and both people were mailed", 20_000, async () => {
      await adminPage.goto(`/admin/audit?subject=${encodeURIComponent(creator.user.email)}`);
      const table = adminPage.getByTestId("audit-table");
      await expect.poll(() => table.textContent()).toMatch(/Report handled/);
      expect(await table.textContent()).toMatch(/Warned/);
      const mails = await db.emailMessage.findMany({
        where: { toAddress: { in: [viewer.email, creator.user.email] } },
        select: { toAddress: true, subject: true },
      });
      expect(mails.some((m) => m.toAddress === viewer.email && m.subject.startsWith("Your report about"))).toBe(true);
      expect(mails.some((m) => m.toAddress === creator.user.email && m.subject.startsWith("A warning from"))).toBe(
        true,
      );
    });
  });
});
