import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { sweepUnusedBrandAssets, UNUSED_ASSET_GRACE_MS } from "@/lib/branding/cleanup";
import { brandFrom, getBrandConsole } from "@/lib/branding/queries";
import { restoreBrandVersion, saveBrand } from "@/lib/branding/service";
import { storeBrandLogo } from "@/lib/branding/uploads";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { deliverPendingEmails, enqueueEmails } from "@/lib/mail/service";
import { storage } from "@/lib/storage";
import type { Actor } from "@/lib/auth/permissions";
import { currentBrandVersion, restoreBrand, withBrandLock } from "../helpers/brand";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { HttpClient } from "../helpers/http";

async function signedIn(user: { email: string }) {
  const client = new HttpClient();
  await client.signIn(user.email, TEST_PASSWORD, `192.0.2.${Math.floor(Math.random() * 250) + 1}`);
  expect(client.hasSession()).toBe(true);
  return client;
}

async function statusOf(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  return err instanceof AppError ? err.status : err ? "crash" : 200;
}

/** The console's form as an admin would send it, starting from the brand in force. */
async function formFor(changes: Record<string, string | null>) {
  const { stored, brand } = await getBrandConsole(await createUser({ role: "admin" }));
  return {
    ...stored,
    name: brand.name,
    primaryColor: brand.primaryColor,
    accentColor: brand.accentColor,
    roomTheme: brand.roomTheme,
    ...changes,
  };
}

/** Runs `fn` as the only test changing the brand, and puts the brand back as it was afterwards. */
function rebranding(fn: (admin: Actor) => Promise<void>) {
  return withBrandLock("change", async () => {
    const admin = await createUser({ role: "admin" });
    const before = await currentBrandVersion();
    try {
      await fn(admin);
    } finally {
      await restoreBrand(admin, before);
    }
  });
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 4, background: { r: 20, g: 120, b: 200, alpha: 1 } } })
    .png()
    .toBuffer();

describe("the brand console's saves", () => {
  it("apply at once to pages without a deploy, render legal Markdown safely, and are put back afterwards", () =>
    rebranding(async (admin) => {
      const name = `Agency Live ${Date.now().toString(36)}`;
      const result = await saveBrand(
        admin,
        await formFor({
          name,
          primaryColor: "#0F766E",
          legalName: "Agency Live GmbH",
          termsText: "# House rules\n\nBe **kind**. <script>alert(1)</script> [click](javascript:alert(1))",
        }),
      );
      expect(result.changed).toBe(true);
      const html = await (await new HttpClient().fetch("/")).text();
      expect(html).toContain(`<title>${name}</title>`);
      // Colours are stored lower-case; the text on them is chosen for contrast (tests/unit/brand.test.ts).
      // A dark colour here: other test files may render pages meanwhile and check their accessibility.
      expect(html).toContain("--brand-primary:#0f766e;--brand-on-primary:#ffffff");
      expect(html).toContain("Agency Live GmbH");
      const terms = await (await new HttpClient().fetch("/legal/terms")).text();
      expect(terms).toContain("<h1>House rules</h1>");
      expect(terms).toContain("<strong>kind</strong>");
      expect(terms).not.toContain("<script>alert(1)");
      expect(terms).not.toMatch(/href="javascript:/i);
    }));

  it("records each save as a version (who, when, what), restores any earlier one, and audit-logs both", () =>
    rebranding(async (admin) => {
      const a = await saveBrand(admin, await formFor({ emailFooter: "Footer A", roomTheme: "light" }));
      const b = await saveBrand(admin, await formFor({ emailFooter: "Footer B", accentColor: "#0f766e" }));
      if (!a.changed || !b.changed) throw new Error("both saves change something");
      expect(b.number).toBe(a.number + 1);
      expect(b.changes).toEqual(
        expect.arrayContaining([
          { field: "emailFooter", before: "Footer A", after: "Footer B" },
          { field: "accentColor", before: expect.any(String), after: "#0f766e" },
        ]),
      );
      // Saving what is already in force is not a version.
      expect(await saveBrand(admin, await formFor({}))).toEqual({ changed: false });

      const restored = await restoreBrandVersion(admin, { versionId: a.versionId });
      if (!restored.changed) throw new Error("the restore changes something");
      const brand = await brandFrom(db, "default");
      expect(brand).toMatchObject({ emailFooter: "Footer A", roomTheme: "light" });
      expect(brand.accentColor).not.toBe("#0f766e");
      const row = await db.brandVersion.findUniqueOrThrow({ where: { id: restored.versionId } });
      expect(row).toMatchObject({ restoredFromNumber: a.number, actorEmail: admin.email, number: b.number + 1 });

      const audit = await db.auditEvent.findMany({
        where: { actorId: admin.id, subjectType: "brand" },
        orderBy: { id: "asc" },
      });
      expect(audit.map((e) => e.action)).toEqual(["brand.updated", "brand.updated", "brand.restored"]);
      expect(audit[2]!.details).toMatchObject({ version: b.number + 1, restoredFrom: a.number });

      // The console lists the versions with who made them and what changed.
      const page = (await (await (await signedIn(admin)).fetch("/admin/brand")).text()).replace(/<!-- -->/g, "");
      expect(page).toContain(`Version ${b.number + 1}`);
      expect(page).toContain(`restored version ${a.number}`);
      expect(page).toContain("Email footer: Footer A → Footer B");
      expect(page).toContain(admin.email);
      // The light room theme is on every page (the room reads it).
      expect(page).toContain('data-room-theme="light"');
    }));

  it("refuses a colour that body text cannot be read on (below WCAG AA), naming the nearest passing shade, and a logo never stored", () =>
    rebranding(async (admin) => {
      const versions = await db.brandVersion.count();
      const err = await saveBrand(admin, await formFor({ primaryColor: "#777777", accentColor: "#ff0000" })).catch(
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).status).toBe(422);
      const fields = (err as AppError).fieldErrors!;
      expect(fields.primaryColor?.[0]).toMatch(/below the 4\.5:1 .* nearest shade that passes is #[0-9a-f]{6}/);
      expect(fields.accentColor?.[0]).toMatch(/nearest shade that passes/);
      expect(await db.brandVersion.count()).toBe(versions);
      // A logo name of the right shape that was never uploaded is refused too.
      const missing = await saveBrand(
        admin,
        await formFor({ logoKey: `brand/logo-${"c".repeat(32)}.png`, faviconKey: `brand/icon-${"c".repeat(32)}.png` }),
      ).catch((e: unknown) => e);
      expect((missing as AppError).fieldErrors?.logoKey?.[0]).toMatch(/Upload the logo again/);
      expect(await db.brandVersion.count()).toBe(versions);
    }));

  it("deletes uploaded images no version uses once a day old, and keeps every image a version names", () =>
    rebranding(async (admin) => {
      const first = await storeBrandLogo(admin, await png(310, 90));
      await saveBrand(admin, await formFor({ ...first }));
      const second = await storeBrandLogo(admin, await png(320, 80));
      await saveBrand(admin, await formFor({ ...second }));
      // Uploaded in the console, never saved.
      const abandoned = await storeBrandLogo(admin, await png(330, 70));
      const exists = async (key: string) => (await storage().stat(key)) !== null;
      // Still within its day: kept (its save may be on the way).
      expect(await sweepUnusedBrandAssets()).toBe(0);
      expect(await exists(abandoned.logoKey)).toBe(true);
      // A day on: the abandoned logo and its favicon go; the one in force and the earlier version's stay.
      const dayOn = new Date(Date.now() + UNUSED_ASSET_GRACE_MS + 60_000);
      expect(await sweepUnusedBrandAssets(dayOn)).toBeGreaterThanOrEqual(2);
      expect(await exists(abandoned.logoKey)).toBe(false);
      expect(await exists(abandoned.faviconKey)).toBe(false);
      for (const key of [first.logoKey, first.faviconKey, second.logoKey, second.faviconKey])
        expect(await exists(key), key).toBe(true);
      // Nothing is left to delete; the storage lists exactly what is used.
      expect(await sweepUnusedBrandAssets(dayOn)).toBe(0);
    }));

  it("puts the logo, colour and footer in every email's HTML and the footer in its plain text", () =>
    rebranding(async (admin) => {
      const logo = await storeBrandLogo(admin, await png(300, 100));
      await saveBrand(admin, await formFor({ ...logo, emailFooter: "Agency Live, 1 Main St" }));
      const dedupeKey = `brand-mail-${Date.now()}-${Math.random()}`;
      await enqueueEmails(db, [
        { dedupeKey, brandId: "default", to: "someone@test.booth", subject: "Hello", text: "Your session is booked." },
      ]);
      await deliverPendingEmails(5, { dedupeKeys: [dedupeKey] });
      const sent = await db.emailMessage.findFirstOrThrow({ where: { dedupeKey } });
      expect(sent.status).toBe("sent");
      const raw = sent.raw!.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
      expect(raw).toContain(`${logo.logoUrl}"`);
      expect(raw).toMatch(/<img src="https?:\/\/[^"]+\/brand-assets\/logo-[0-9a-f]{32}\.png"/);
      expect(raw).toContain("Agency Live, 1 Main St");
      expect(raw.split("Content-Type: text/html")[0]).toContain("Agency Live, 1 Main St");
    }));
});

describe("logo uploads", () => {
  it("re-encode an image into a logo and a favicon under content-addressed keys, served with type and long caching", async () => {
    const admin = await signedIn(await createUser({ role: "admin" }));
    const res = await admin.fetch("/api/admin/brand/logo", {
      method: "POST",
      headers: { "content-type": "image/jpeg" }, // the declared type is not trusted: the bytes are PNG
      body: new Uint8Array(await png(1600, 800)),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { logoKey: string; faviconKey: string; logoUrl: string; faviconUrl: string };
    expect(body.logoKey).toMatch(/^brand\/logo-[0-9a-f]{32}\.png$/);
    expect(body.faviconKey).toMatch(/^brand\/icon-[0-9a-f]{32}\.png$/);
    const logo = await new HttpClient().fetch(body.logoUrl);
    expect(logo.status).toBe(200);
    expect(logo.headers.get("content-type")).toBe("image/png");
    expect(logo.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(logo.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await sharp(Buffer.from(await logo.arrayBuffer())).metadata()).toMatchObject({
      format: "png",
      width: 512,
      height: 256,
    });
    const icon = await new HttpClient().fetch(body.faviconUrl);
    expect(await sharp(Buffer.from(await icon.arrayBuffer())).metadata()).toMatchObject({ width: 64, height: 64 });
    // Same image, same keys: uploading it again stores nothing new.
    const again = await admin.fetch("/api/admin/brand/logo", {
      method: "POST",
      headers: { "content-type": "image/png" },
      body: new Uint8Array(await png(1600, 800)),
    });
    expect(((await again.json()) as { logoKey: string }).logoKey).toBe(body.logoKey);
  });

  it("refuse other types, SVG (with or without a script), and files over the cap, storing nothing", async () => {
    const admin = await signedIn(await createUser({ role: "admin" }));
    const post = (bytes: Uint8Array | string, type: string) =>
      admin.fetch("/api/admin/brand/logo", {
        method: "POST",
        headers: { "content-type": type },
        body: bytes as BodyInit,
      });
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>';
    const svgWithBom = `\uFEFF<?xml version="1.0"?>${svg}`;
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: "#000" } })
      .gif()
      .toBuffer();
    for (const [bytes, type] of [
      [svg, "image/svg+xml"],
      [svgWithBom, "image/png"],
      [new Uint8Array(gif), "image/gif"],
      ["%PDF-1.4 not an image", "application/pdf"],
      ["just text", "image/png"],
    ] as const) {
      const res = await post(bytes, type);
      expect(res.status, `${type}: ${String(bytes).slice(0, 20)}`).toBe(415);
      expect(((await res.json()) as { error: string }).error).toMatch(/PNG, JPEG or WebP/);
    }
    const tooBig = new Uint8Array(1024 * 1024 + 1);
    tooBig.set(await png(1, 1));
    const big = await post(tooBig, "image/png");
    expect(big.status).toBe(413);
    expect(((await big.json()) as { error: string }).error).toMatch(/at most 1 MB/);
    expect((await post(new Uint8Array(0), "image/png")).status).toBe(422);
  });

  it("serve nothing but a brand image name: a path can never leave the storage root", async () => {
    const client = new HttpClient();
    for (const path of [
      "/brand-assets/..%2F..%2F..%2Fetc%2Fpasswd",
      "/brand-assets/%2e%2e%2fpackage.json",
      "/brand-assets/..%5c..%5cpackage.json",
      "/brand-assets/logo-0123.png",
      `/brand-assets/logo-${"a".repeat(32)}.svg`,
      `/brand-assets/LOGO-${"a".repeat(32)}.png`,
      "/brand-assets/%00",
    ]) {
      const res = await client.fetch(path);
      expect([400, 404, 422], path).toContain(res.status);
      expect(res.headers.get("content-type") ?? "", path).not.toMatch(/^image\//);
    }
    // A well-formed name that was never stored is simply not there.
    expect((await client.fetch(`/brand-assets/logo-${"b".repeat(32)}.png`)).status).toBe(404);
  });
});

describe("who may change the brand", () => {
  it("only admins: the services refuse others with 403, the page answers 403 and the upload 401/403", async () => {
    for (const role of ["viewer", "creator"] as const) {
      const actor = await createUser({ role });
      expect(await statusOf(saveBrand(actor, { name: "Pwned" }))).toBe(403);
      expect(await statusOf(restoreBrandVersion(actor, { versionId: "x" }))).toBe(403);
      expect(await statusOf(storeBrandLogo(actor, await png(10, 10)))).toBe(403);
      expect(await statusOf(getBrandConsole(actor))).toBe(403);
      const client = await signedIn(actor);
      expect((await client.fetch("/admin/brand")).status).toBe(403);
      const upload = await client.fetch("/api/admin/brand/logo", {
        method: "POST",
        headers: { "content-type": "image/png" },
        body: new Uint8Array(await png(10, 10)),
      });
      expect(upload.status).toBe(403);
    }
    const anonymous = await new HttpClient().fetch("/api/admin/brand/logo", {
      method: "POST",
      headers: { "content-type": "image/png" },
      body: new Uint8Array(await png(10, 10)),
    });
    expect(anonymous.status).toBe(401);
    expect((await new HttpClient().fetch("/admin/brand")).status).toBe(307);
  });
});
