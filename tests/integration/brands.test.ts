/**
 * Several brands from one deployment (issue #13): the brand is chosen by the request's host, and each brand
 * has its own look, accounts, creators and money. Against the suite's `next start` and its PostgreSQL,
 * with the demo's second brand (Night Owl Live on nightowl.localhost, prisma/seed.ts) and brands made here.
 * Node does not resolve *.localhost as browsers do, so HttpClient.onHost sends the brand's Host header to
 * the suite's app (what a browser sends after resolving the name to this machine).
 */
import { describe, expect, it } from "vitest";
import { getActorOrThrow } from "@/lib/auth/queries";
import { registerUser } from "@/lib/auth/service";
import { addBrandDomain, createBrand, listBrands, removeBrandDomain } from "@/lib/branding/brands";
import { brandFrom, getBrandConsole } from "@/lib/branding/queries";
import { restoreBrandVersion, saveBrand } from "@/lib/branding/service";
import { bookSlot } from "@/lib/bookings/service";
import { getOpenSlots } from "@/lib/bookings/queries";
import { getPublicProfile, listPublishedCreators } from "@/lib/creators/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { DEMO_PASSWORD, DEMO_SECOND_BRAND } from "../../prisma/seed";
import { createUser, uniqueEmail } from "../helpers/factories";
import { HttpClient } from "../helpers/http";

const NIGHT = DEMO_SECOND_BRAND.host;
let ipCount = 0;
const ip = () => `198.18.${Math.floor(ipCount / 250)}.${(ipCount++ % 250) + 1}`;

async function codeOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return "ok";
}

async function ivyOffering() {
  return db.offering.findFirstOrThrow({
    where: { creator: { slug: "ivy-moreau" }, kind: "private_session" },
    select: { id: true },
  });
}

describe("the brand of a request is its host's", () => {
  it("serves the second brand's look, creators and profile pages on its host, and not on any other", async () => {
    const night = HttpClient.onHost(NIGHT);
    const home = await night.fetch("/");
    const html = await home.text();
    expect(home.status).toBe(200);
    expect(html).toContain(DEMO_SECOND_BRAND.settings.name);
    expect(html).toContain("Ivy Moreau");
    expect(html).not.toContain("Maya Chen");
    expect((await night.fetch("/creators/ivy-moreau")).status).toBe(200);
    expect((await night.fetch("/creators/maya-chen")).status).toBe(404);

    const plain = new HttpClient();
    const other = await (await plain.fetch("/")).text();
    expect(other).not.toContain(DEMO_SECOND_BRAND.settings.name);
    expect(other).not.toContain("Ivy Moreau");
    expect((await plain.fetch("/creators/ivy-moreau")).status).toBe(404);
    // An unknown host gets the default brand.
    expect(await (await HttpClient.onHost("unknown-brand.example").fetch("/creators")).text()).toContain("Maya Chen");
  });

  it("sells a brand's times only on its own host: slots and bookings of another brand's offering are not found", async () => {
    const offering = await ivyOffering();
    expect((await HttpClient.onHost(NIGHT).fetch(`/api/offerings/${offering.id}/slots`)).status).toBe(200);
    expect((await new HttpClient().fetch(`/api/offerings/${offering.id}/slots`)).status).toBe(404);
    expect((await new HttpClient().fetch(`/book/${offering.id}`)).status).toBe(404);

    const open = await getOpenSlots(offering.id, { days: 7 }, DEMO_SECOND_BRAND.id);
    const startsAt = open!.slots[5]!.startsAt;
    const outsider = await createUser(); // an account of the default brand
    expect(await codeOf(bookSlot(outsider, { offeringId: offering.id, startsAt: startsAt.toISOString() }))).toBe(
      "not_found",
    );
    expect(await getOpenSlots(offering.id, { days: 7 }, "default")).toBeNull();
    expect(await getPublicProfile("ivy-moreau", "default")).toBeNull();
    expect((await listPublishedCreators(DEMO_SECOND_BRAND.id)).map((c) => c.slug)).toEqual(["ivy-moreau"]);
  });

  it("books on the brand's own host in its name: the checkout is opened in the buyer's brand", async () => {
    const offering = await ivyOffering();
    const viewer = await createUser({ brandId: DEMO_SECOND_BRAND.id });
    const open = await getOpenSlots(offering.id, { days: 7 }, DEMO_SECOND_BRAND.id);
    const slot = open!.slots[Math.floor(Math.random() * (open!.slots.length - 10)) + 8]!;
    const { bookingId } = await bookSlot(viewer, {
      offeringId: offering.id,
      startsAt: slot.startsAt.toISOString(),
    });
    const booking = await db.booking.findUniqueOrThrow({ where: { id: bookingId }, select: { traceId: true } });
    const created = await db.traceEvent.findFirstOrThrow({
      where: { traceId: booking.traceId, type: "checkout.created" },
    });
    expect(created.payload).toMatchObject({ brandId: DEMO_SECOND_BRAND.id });
    // Stripe gets the brand in the session's metadata too (the test checkout builds it the same way).
    const payment = await db.payment.findFirstOrThrow({ where: { bookingId }, select: { returnPath: true } });
    expect(payment.returnPath).toBe(`/bookings/${bookingId}`);
  });
});

describe("accounts are per brand", () => {
  it("one address signs up on two brands as two accounts, each mailed in its own brand with links to its own host", async () => {
    const email = uniqueEmail("two-brands");
    const form = (name: string) => ({ name, email, password: "long enough password", acceptTerms: "on" });
    const a = await registerUser(form("On the default brand"), ip(), "default");
    const b = await registerUser(form("On the second brand"), ip(), DEMO_SECOND_BRAND.id);
    expect(a.userId).toBeTruthy();
    expect(b.userId).toBeTruthy();
    expect(a.userId).not.toBe(b.userId);
    const rows = await db.user.findMany({ where: { email }, select: { brandId: true }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => r.brandId)).toEqual(["default", DEMO_SECOND_BRAND.id]);
    const mails = await db.emailMessage.findMany({
      where: { toAddress: email },
      select: { brandId: true, subject: true, textBody: true },
      orderBy: { createdAt: "asc" },
    });
    expect(mails).toHaveLength(2);
    expect(mails[1]).toMatchObject({ brandId: DEMO_SECOND_BRAND.id });
    expect(mails[1]!.subject).toContain(DEMO_SECOND_BRAND.settings.name);
    expect(mails[1]!.textBody).toContain(`//${NIGHT}`);
    expect(mails[0]!.textBody).not.toContain(NIGHT);
  });

  it("signs in only on the account's own brand, and a session carried to another brand's host is nobody there", async () => {
    const night = HttpClient.onHost(NIGHT);
    await night.signIn("viewer@booth.test", DEMO_PASSWORD, ip()); // a default-brand account
    expect(night.hasSession()).toBe(false);
    await night.signIn("viewer@nightowl.test", DEMO_PASSWORD, ip());
    expect(night.hasSession()).toBe(true);
    expect((await night.fetch("/dashboard")).status).toBe(200);

    // The same cookie sent to the default brand's host (by hand: browsers keep cookies per host).
    const carried = new HttpClient();
    carried.setCookie("authjs.session-token", night.cookieHeader().match(/authjs\.session-token=([^;]+)/)![1]!);
    const res = await carried.fetch("/dashboard");
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toContain("/signin");
  });
});

describe("each brand's console", () => {
  it("saves, versions and restores a brand admin's own brand only, and the brand's host shows it at once", async () => {
    const id = `console-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const host = `${id}.example.test`;
    await db.brand.create({
      data: {
        id,
        slug: id,
        url: `https://${host}`,
        domains: { create: { host } },
        settings: { create: { name: "Before" } },
      },
    });
    const admin = await createUser({ role: "admin", brandId: id });
    const defaultBefore = await db.brandSettings.findUnique({ where: { id: "default" } });
    const defaultVersions = await db.brandVersion.count({ where: { brandSettingsId: "default" } });

    const { stored, brand } = await getBrandConsole(admin);
    expect(brand).toMatchObject({ id, name: "Before", url: `https://${host}` });
    const form = { ...stored, primaryColor: brand.primaryColor, accentColor: brand.accentColor, roomTheme: "light" };
    const saved = await saveBrand(admin, { ...form, name: "After" });
    if (!saved.changed) throw new Error("the save changes the name");
    expect(await (await HttpClient.onHost(host).fetch("/")).text()).toContain("After");
    const versions = await db.brandVersion.findMany({ where: { brandSettingsId: id }, orderBy: { number: "asc" } });
    expect(versions.map((v) => v.number)).toEqual([1, 2]);
    await restoreBrandVersion(admin, { versionId: versions[0]!.id });
    expect((await brandFrom(db, id)).name).toBe("Before");
    // The default brand, and its versions, are as they were; the audit rows are the brand's.
    expect(await db.brandSettings.findUnique({ where: { id: "default" } })).toEqual(defaultBefore);
    expect(await db.brandVersion.count({ where: { brandSettingsId: "default" } })).toBe(defaultVersions);
    const audit = await db.auditEvent.findMany({
      where: { actorId: admin.id },
      select: { brandId: true, action: true },
    });
    expect(audit).toEqual([
      { brandId: id, action: "brand.updated" },
      { brandId: id, action: "brand.restored" },
    ]);
  });
});

describe("platform admins manage brands", () => {
  it("creates a brand on its host with its first admin (mailed a link on the new host); a brand admin cannot", async () => {
    const platform = await createUser({ role: "admin" });
    const suffix = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const adminEmail = uniqueEmail("brand-admin");
    const { brandId, host } = await createBrand(platform, {
      slug: `agency-${suffix}`,
      name: "Agency Live",
      url: `https://live-${suffix}.example.com/`,
      adminName: "Agnes Agency",
      adminEmail,
    });
    expect(host).toBe(`live-${suffix}.example.com`);
    const brand = await brandFrom(db, brandId);
    expect(brand).toMatchObject({ id: brandId, name: "Agency Live", url: `https://live-${suffix}.example.com` });
    const admin = await db.user.findFirstOrThrow({
      where: { email: adminEmail },
      select: { id: true, brandId: true, role: true },
    });
    expect(admin).toMatchObject({ brandId, role: "admin" });
    const invite = await db.emailMessage.findFirstOrThrow({ where: { toAddress: adminEmail } });
    expect(invite.brandId).toBe(brandId);
    expect(invite.textBody).toContain(`https://live-${suffix}.example.com/reset-password?token=`);
    expect((await listBrands(platform)).map((b) => b.slug)).toContain(`agency-${suffix}`);

    // The host now serves it; a second host can be added and taken off; a host serves one brand only.
    const onHost = HttpClient.onHost(host);
    expect(await (await onHost.fetch("/")).text()).toContain("Agency Live");
    await addBrandDomain(platform, { brandId, host: `www.live-${suffix}.example.com` });
    expect(await codeOf(addBrandDomain(platform, { brandId: DEMO_SECOND_BRAND.id, host }))).toBe("invalid");
    await removeBrandDomain(platform, { brandId, host: `www.live-${suffix}.example.com` });
    expect(await db.brandDomain.count({ where: { brandId } })).toBe(1);
    // The host of its own address stays (its mail links there), and the platform's own host is the default brand's.
    expect(await codeOf(removeBrandDomain(platform, { brandId, host }))).toBe("invalid");
    const platformHost = new URL(process.env.APP_URL!).hostname;
    expect(await codeOf(addBrandDomain(platform, { brandId, host: platformHost }))).toBe("invalid");
    // It starts with its own legal name and support address, not the platform's.
    expect(brand).toMatchObject({ legalName: "Agency Live", supportEmail: adminEmail });
    expect(
      await codeOf(
        createBrand(platform, {
          slug: `agency-${suffix}`,
          name: "Again",
          url: "https://x.example.org",
          adminName: "A",
          adminEmail,
        }),
      ),
    ).toBe("invalid");

    // The new brand's admin, and the second brand's, are not platform admins.
    const brandAdmin = await getActorOrThrow(admin.id);
    expect(await codeOf(listBrands(brandAdmin))).toBe("not_found");
    const nightAdmin = await createUser({ role: "admin", brandId: DEMO_SECOND_BRAND.id });
    expect(
      await codeOf(
        createBrand(nightAdmin, {
          slug: `x-${suffix}`,
          name: "X",
          url: "https://x.example.net",
          adminName: "X",
          adminEmail: uniqueEmail("x"),
        }),
      ),
    ).toBe("not_found");
    expect(
      await codeOf(addBrandDomain(nightAdmin, { brandId: DEMO_SECOND_BRAND.id, host: `n-${suffix}.example.com` })),
    ).toBe("not_found");
  });

  it("shows /admin/brands to platform admins only", async () => {
    const platform = new HttpClient();
    await platform.signIn("admin@booth.test", DEMO_PASSWORD, ip());
    const page = await platform.fetch("/admin/brands");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(DEMO_SECOND_BRAND.host);
    const night = HttpClient.onHost(NIGHT);
    await night.signIn("admin@nightowl.test", DEMO_PASSWORD, ip());
    expect(night.hasSession()).toBe(true);
    expect((await night.fetch("/admin/brands")).status).toBe(404);
  });
});
