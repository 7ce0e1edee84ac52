import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { totpCode } from "@/lib/auth/totp";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { launchBrowser, newContext, signInThroughForm } from "../helpers/browser";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { step } from "../helpers/steps";
import { freshTestCode, noteUsedStep } from "../helpers/totp";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("two-step sign-in in Chromium", () => {
  it("a viewer turns it on with the QR page's key, then signs in with a code, and once with a recovery code", async () => {
    const user = await createUser({ name: "Careful Cora" });
    const page = await (await newContext(browser)).newPage();
    let key = "";
    let recovery: string[] = [];
    await step("account settings lead to the set-up page, which shows a QR code and the key", 30_000, async () => {
      await signInThroughForm(page, user.email, TEST_PASSWORD, /\/dashboard$/);
      await page.goto("/account");
      await page.getByRole("link", { name: "Set up two-step sign-in" }).click();
      await page.waitForURL(/\/account\/two-factor$/);
      await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
      await page.getByTestId("totp-key").waitFor();
      key = ((await page.getByTestId("totp-key").textContent()) ?? "").replace(/\s+/g, "");
      expect(key).toMatch(/^[A-Z2-7]{32}$/);
      const qr = page.getByRole("img", { name: "QR code to scan with your authenticator app" });
      expect(await qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml;base64,/);
      // The browser decoded the image (made on the server, no network).
      await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    });

    await step(
      "a wrong code is refused; the right one turns it on and shows ten recovery codes once",
      25_000,
      async () => {
        await page.getByLabel("Code from the app").fill(totpCode(key, Date.now() + 5 * 60_000));
        await page.getByRole("button", { name: "Turn on" }).click();
        await expect.poll(() => page.getByText("That code does not match").first().isVisible()).toBe(true);
        await page.getByLabel("Code from the app").fill(totpCode(key));
        await page.getByRole("button", { name: "Turn on" }).click();
        await page.getByTestId("recovery-codes").waitFor();
        // That code is spent now (each code is good once).
        await noteUsedStep(user.email);
        recovery = await page.getByTestId("recovery-codes").locator("li").allTextContents();
        expect(recovery).toHaveLength(10);
        await page.goto("/account/two-factor");
        expect(await page.getByTestId("two-factor-on").textContent()).toMatch(/10 unused recovery codes/);
        expect(await page.getByTestId("recovery-codes").count()).toBe(0);
      },
    );

    await step("signing in now asks for the code after the password, and refuses a wrong one", 30_000, async () => {
      const fresh = await (await newContext(browser)).newPage();
      await fresh.goto("/signin");
      await fresh.getByLabel("Email").fill(user.email);
      await fresh.getByLabel("Password").fill(TEST_PASSWORD);
      await fresh.getByRole("button", { name: "Sign in" }).click();
      await fresh.getByLabel("Code", { exact: true }).waitFor();
      await fresh.getByLabel("Code", { exact: true }).fill("000000" === totpCode(key) ? "111111" : "000000");
      await fresh.getByRole("button", { name: "Verify" }).click();
      await expect.poll(() => fresh.getByRole("alert").first().textContent()).toMatch(/That code does not match/);
      await fresh.getByLabel("Code", { exact: true }).fill(await freshTestCode(user.email, key));
      await fresh.getByRole("button", { name: "Verify" }).click();
      await fresh.waitForURL(/\/dashboard$/);
      expect(await fresh.getByRole("heading", { name: "Hi, Careful Cora" }).isVisible()).toBe(true);
    });

    await step("a recovery code signs in once; the same code again is refused", 40_000, async () => {
      const other = await (await newContext(browser)).newPage();
      await signInThroughForm(other, user.email, TEST_PASSWORD, /\/dashboard$/, () => recovery[0]!);
      const again = await (await newContext(browser)).newPage();
      await again.goto("/signin");
      await again.getByLabel("Email").fill(user.email);
      await again.getByLabel("Password").fill(TEST_PASSWORD);
      await again.getByRole("button", { name: "Sign in" }).click();
      await again.getByLabel("Code", { exact: true }).fill(recovery[0]!);
      await again.getByRole("button", { name: "Verify" }).click();
      await expect.poll(() => again.getByRole("alert").first().textContent()).toMatch(/That code does not match/);
    });
  }, 150_000);

  it("the demo admin signs in with the documented key's code", async () => {
    const page = await (await newContext(browser)).newPage();
    await step("password, then the code, then the admin home", 30_000, async () => {
      await signInThroughForm(page, "admin@booth.test", DEMO_PASSWORD, /\/admin$/);
      expect(await page.getByRole("heading", { level: 1 }).first().isVisible()).toBe(true);
    });
  });

  it("an admin without it is sent to set it up before any admin page", async () => {
    const admin = await createUser({ role: "admin", twoFactor: false });
    const page = await (await newContext(browser)).newPage();
    await step("signing in lands on the set-up page, which says why", 30_000, async () => {
      await signInThroughForm(page, admin.email, TEST_PASSWORD, /\/account\/two-factor\?required=1/);
      expect(await page.getByTestId("two-factor-required").textContent()).toMatch(/Admins need two-step sign-in/);
      await page.goto("/admin/reports");
      await page.waitForURL(/\/account\/two-factor\?required=1/);
    });
  });
});
