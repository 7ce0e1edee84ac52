import sharp from "sharp";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { deliverPendingEmails } from "@/lib/mail/service";
import { axeFindings, describeFindings } from "../helpers/axe";
import { currentBrandVersion, restoreBrand, withBrandLock } from "../helpers/brand";
import { bookableOffering, deliver, hold, sessionFor, signedEvent } from "../helpers/bookings";
import { launchBrowser, newContext, signInThroughForm } from "../helpers/browser";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { HttpClient, baseUrl } from "../helpers/http";
import { DEMO_SECOND_BRAND } from "../../prisma/seed";
import { paidSession } from "../helpers/sessions";
import { step } from "../helpers/steps";

let browser: Browser;
beforeAll(async () => {
  // The demo's second brand is served on nightowl.localhost: this machine, as browsers resolve *.localhost.
  browser = await launchBrowser({
    hostResolverRules: `MAP ${DEMO_SECOND_BRAND.host} 127.0.0.1, MAP * ~NOTFOUND, EXCLUDE 127.0.0.1`,
  });
});
afterAll(async () => {
  await browser?.close();
});

/** "rgb(15, 118, 110)" for "#0f766e": what getComputedStyle answers. */
const rgb = (hex: string) => {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
};

describe("rebranding with the console in Chromium", () => {
  it(
    "an admin uploads a logo, picks colours, sees the preview follow, saves; the landing, a booking email and the room show the new brand",
    {
      timeout: 220_000,
    },
    () =>
      withBrandLock("change", async () => {
        const admin = await createUser({ role: "admin", name: "Brand Admin" });
        const before = await currentBrandVersion();
        const name = `Northwind Live ${Date.now().toString(36).slice(-4)}`;
        const primary = "#0f766e";
        try {
          const ctx = await newContext(browser);
          const page = await ctx.newPage();
          await step("the admin signs in and opens the console", 30_000, async () => {
            await signInThroughForm(page, admin.email, TEST_PASSWORD, /\/admin/);
            await page.goto("/admin/brand");
            await page.getByRole("heading", { name: "Brand" }).waitFor();
            const findings = await axeFindings(page, "brand console");
            expect(findings, describeFindings(findings)).toEqual([]);
          });

          const started = Date.now();
          await step(
            "the admin rebrands: name, logo, colours (fixing one that fails AA), theme, texts",
            40_000,
            async () => {
              await page.getByLabel("Platform name").fill(name);
              await expect.poll(() => page.getByTestId("preview-name").textContent()).toBe(name);

              const logo = await sharp({
                create: { width: 640, height: 320, channels: 4, background: { r: 15, g: 118, b: 110, alpha: 1 } },
              })
                .png()
                .toBuffer();
              await page
                .getByTestId("logo-input")
                .setInputFiles({ name: "logo.png", mimeType: "image/png", buffer: logo });
              await expect
                .poll(() => page.getByTestId("preview-logo").getAttribute("src"))
                .toMatch(/^\/brand-assets\/logo-[0-9a-f]{32}\.png$/);

              // A mid-grey fails AA; the console says so and offers the nearest passing shade.
              await page.getByLabel("Primary colour", { exact: true }).fill("#777777");
              await expect.poll(() => page.getByTestId("primaryColor-contrast").textContent()).toMatch(/below AA/);
              await page.getByTestId("primaryColor-contrast-fix").click();
              const fixed = await page.getByLabel("Primary colour", { exact: true }).inputValue();
              expect(fixed).toMatch(/^#[0-9a-f]{6}$/);
              expect(fixed).not.toBe("#777777");
              await expect.poll(() => page.getByTestId("primaryColor-contrast").textContent()).toMatch(/passes AA/);

              // The preview re-renders with what is typed, before saving.
              await page.getByLabel("Primary colour", { exact: true }).fill(primary);
              await expect
                .poll(() => page.getByTestId("preview-button").evaluate((el) => getComputedStyle(el).backgroundColor))
                .toBe(rgb(primary));
              await page.getByLabel("Accent colour", { exact: true }).fill("#9d174d");
              await page.getByLabel("Light", { exact: true }).check();
              await expect.poll(() => page.getByTestId("brand-preview").getAttribute("data-room-theme")).toBe("light");
              await page.getByLabel("Legal name").fill("Northwind Media Ltd");
              await page.getByLabel("Support email").fill("help@northwind.test");
              await page.getByLabel("Email footer").fill("Northwind Media Ltd, 1 Harbour Road");
              await expect.poll(() => page.getByTestId("preview-email").textContent()).toMatch(/1 Harbour Road/);
              await page.getByRole("button", { name: "Save as a new version" }).click();
              await expect.poll(() => page.getByRole("status").first().textContent()).toMatch(/Saved as version \d+/);
            },
          );
          const seconds = (Date.now() - started) / 1000;
          console.log(
            `first-time rebrand with the console, driven in Chromium: ${seconds.toFixed(1)} s (form to saved)`,
          );
          await step("the new version is listed, with who saved it", 15_000, async () => {
            await page.reload();
            const first = page.getByTestId("brand-version").first();
            await expect.poll(() => first.textContent()).toContain(admin.email);
            expect(await first.textContent()).toMatch(/\(in force\)/);
          });

          await step("the landing page shows the new name, logo, colour and favicon to a visitor", 20_000, async () => {
            const visitor = await (await newContext(browser)).newPage();
            await visitor.goto("/");
            expect(await visitor.title()).toBe(name);
            const nav = visitor.getByTestId("site-nav");
            expect(await nav.textContent()).toContain(name);
            expect(await nav.locator("img").first().getAttribute("src")).toMatch(/^\/brand-assets\/logo-/);
            expect(await visitor.locator('link[rel="icon"]').getAttribute("href")).toMatch(/^\/brand-assets\/icon-/);
            const signUp = visitor.getByRole("link", { name: "Sign up" });
            expect(await signUp.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(rgb(primary));
            expect(await visitor.getByRole("contentinfo").textContent()).toContain("Northwind Media Ltd");
            const og = await visitor.request.get("/opengraph-image");
            expect(og.status()).toBe(200);
            expect(og.headers()["content-type"]).toBe("image/png");
          });

          await step("the second brand, on its own host of the same app, keeps its own look", 20_000, async () => {
            const other = await (await newContext(browser)).newPage();
            const url = new URL(baseUrl());
            url.hostname = DEMO_SECOND_BRAND.host;
            await other.goto(url.href);
            expect(await other.title()).toBe(DEMO_SECOND_BRAND.settings.name);
            const nav = await other.getByTestId("site-nav").textContent();
            expect(nav).toContain(DEMO_SECOND_BRAND.settings.name);
            expect(nav).not.toContain(name);
            const signUp = other.getByRole("link", { name: "Sign up" });
            expect(await signUp.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(
              rgb(DEMO_SECOND_BRAND.settings.primaryColor),
            );
            expect(await other.getByRole("contentinfo").textContent()).toContain(DEMO_SECOND_BRAND.settings.legalName);
          });

          await step(
            "the test checkout and a booking email in the outbox carry the new name, logo and footer",
            30_000,
            async () => {
              const { offering, slots } = await bookableOffering();
              const { payment, viewer } = await hold(offering.id, slots[0]!);
              // The test checkout names the brand and its support address.
              const buyer = new HttpClient();
              await buyer.signIn(viewer.email, TEST_PASSWORD, "192.0.2.77");
              const checkout = await (await buyer.fetch(`/checkout/test/${payment.stripeCheckoutSessionId}`)).text();
              expect(checkout.replace(/<!-- -->/g, "")).toContain(
                `Paying ${name} · questions about this payment: help@northwind.test`,
              );
              expect((await deliver(signedEvent("checkout.session.completed", sessionFor(payment)))).status).toBe(200);
              await deliverPendingEmails(25, { traceIds: [payment.traceId] });
              const booked = await db.emailMessage.findFirstOrThrow({
                where: { traceId: payment.traceId, subject: { startsWith: "Booked:" }, status: "sent" },
              });
              const raw = booked.raw!.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
              expect(raw).toContain(name);
              expect(raw).toMatch(/<img src="https?:\/\/[^"]+\/brand-assets\/logo-[0-9a-f]{32}\.png" alt="[^"]*"/);
              expect(raw).toContain("Northwind Media Ltd, 1 Harbour Road");
              expect(raw).toContain("help@northwind.test");
              // The development outbox shows the same message.
              await page.goto(`/dev/outbox/${booked.id}`);
              expect(await page.getByRole("heading", { level: 1 }).textContent()).toMatch(/^Booked:/);
            },
          );

          await step("the room shows the new brand: its colours and the light room theme", 30_000, async () => {
            const session = await paidSession({ startsInMinutes: 1 });
            const viewerPage = await (await newContext(browser)).newPage();
            await signInThroughForm(viewerPage, session.viewer.email, TEST_PASSWORD, /\/dashboard/);
            await viewerPage.goto(`/sessions/${session.booking.id}`);
            const room = viewerPage.getByRole("region", { name: "Session room" });
            await room.waitFor();
            expect(await viewerPage.locator("html").getAttribute("data-room-theme")).toBe("light");
            expect(await viewerPage.getByTestId("site-nav").textContent()).toContain(name);
            // The light theme: the room's surface is light, not the dark default.
            const surface = await room.evaluate((el) => getComputedStyle(el).backgroundColor);
            expect(surface).not.toBe("rgb(2, 6, 23)");
            const lightness = await room.evaluate((el) => {
              const c = getComputedStyle(el).backgroundColor;
              const probe = document.createElement("canvas").getContext("2d")!;
              probe.fillStyle = c;
              probe.fillRect(0, 0, 1, 1);
              const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
              return (r! + g! + b!) / 3;
            });
            expect(lightness).toBeGreaterThan(200);
            const join = room.getByRole("button").filter({ hasText: /Join/ }).first();
            await join.waitFor();
            expect(await join.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe(rgb(primary));
            // The light room reads as well as the dark one.
            const findings = await axeFindings(viewerPage, "room pre-join, light theme");
            expect(findings, describeFindings(findings)).toEqual([]);
          });

          await step("one click restores the brand from before, everywhere at once", 25_000, async () => {
            const target = before ?? 1;
            await page.goto("/admin/brand");
            await page.getByRole("button", { name: `Restore version ${target}` }).click();
            await expect.poll(() => page.getByRole("status").first().textContent()).toMatch(/Restored/);
            const visitor = await (await newContext(browser)).newPage();
            await visitor.goto("/");
            expect(await visitor.title()).not.toBe(name);
            expect(await visitor.getByTestId("site-nav").textContent()).not.toContain(name);
            expect(await visitor.locator("html").getAttribute("data-room-theme")).not.toBe("light");
          });
        } finally {
          await restoreBrand(admin, before);
        }
      }),
  );
});
