import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { launchBrowser, newContext, signInThroughForm } from "../helpers/browser";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { step } from "../helpers/steps";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3000, 9)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(800, 2)]);

describe("creator verification in Chromium", () => {
  it("a new creator sends an ID and a selfie; an admin opens the document and approves with a note; the creator is verified", {
    timeout: 150_000,
  }, async () => {
    const creator = await createUser({ role: "creator", unverifiedCreator: true, name: "Nova Newcomer" });
    const admin = await createUser({ role: "admin", name: "Vetting Admin" });
    const c = await (await newContext(browser)).newPage();
    await step("the creator uploads the two files from Studio → Verification", 40_000, async () => {
      await signInThroughForm(c, creator.email, TEST_PASSWORD, /\/studio/);
      await c.getByRole("link", { name: "Verification" }).click();
      await c.waitForURL(/\/studio\/verification$/);
      expect(await c.getByTestId("verification-status").textContent()).toMatch(/Not verified yet/);
      await c.getByLabel(/official ID/).setInputFiles({ name: "id.jpg", mimeType: "image/jpeg", buffer: JPEG });
      await c.getByLabel(/selfie/).setInputFiles({ name: "me.png", mimeType: "image/png", buffer: PNG });
      await c.getByRole("button", { name: "Send for review" }).click();
      await expect
        .poll(() => c.getByTestId("verification-status").textContent(), { timeout: 20000 })
        .toMatch(/Waiting for review/);
    });

    const a = await (await newContext(browser)).newPage();
    await step("the admin opens the ID document through its link and approves with a note", 50_000, async () => {
      await signInThroughForm(a, admin.email, TEST_PASSWORD, /\/admin/);
      await a.getByRole("link", { name: "Creator verification" }).click();
      await a.waitForURL(/\/admin\/verifications$/);
      const item = a.getByTestId("verification").filter({ hasText: "Nova Newcomer" });
      const href = await item.getByTestId("open-document").getAttribute("href");
      const doc = await a.request.get(href!);
      expect(doc.status()).toBe(200);
      expect(doc.headers()["content-type"]).toBe("image/jpeg");
      await item.getByLabel(/Note to the creator/).fill("ID and selfie match; of age.");
      await item.getByRole("button", { name: "Approve" }).click();
      // The page refreshes: the check leaves the waiting list and shows as decided, with the note.
      await a
        .getByRole("listitem")
        .filter({ hasText: "ID and selfie match; of age." })
        .filter({ hasText: "approved" })
        .waitFor();
      expect(await a.getByTestId("verification").filter({ hasText: "Nova Newcomer" }).count()).toBe(0);
    });

    await step("the creator's page says verified", 20_000, async () => {
      await c.reload();
      expect(await c.getByTestId("verification-status").textContent()).toMatch(/Verified/);
    });
    const rows = await db.auditEvent.findMany({
      where: { subjectUserId: creator.id, action: { startsWith: "verification." } },
      orderBy: { createdAt: "asc" },
      select: { action: true, actorId: true },
    });
    expect(rows.map((r) => r.action)).toEqual(["verification.document_viewed", "verification.approved"]);
    expect(rows.every((r) => r.actorId === admin.id)).toBe(true);
  });
});
