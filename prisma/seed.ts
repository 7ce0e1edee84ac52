/**
 * Demo data for `npm run dev` (and the end-to-end tests): one admin, three creators with published
 * profiles, offerings and weekly hours, one viewer, and a demo show that is on sale and opens at once. Safe to run again: it upserts by email
 * and slug and leaves edits made since alone. A second brand (Night Owl Live) on its own local host
 * (nightowl.localhost, which browsers resolve to this machine) has its own admin, creator and viewer:
 * one deployment, two brands that see nothing of each other.
 */
import { hashPassword } from "@/lib/auth/password";
import { sealTotpSecret } from "@/lib/auth/totp";
import { DEFAULT_BRAND_ID } from "@/lib/branding/theme";
import type { Db } from "@/lib/db";

export const DEMO_PASSWORD = "booth-demo-pass";

/**
 * The demo admin's two-step sign-in key (admins must have one): add it to any authenticator app, or run
 * `npm run demo:code` for the current code. Printed by `npm run dev`; the tests compute codes from it.
 * A demo key, public on purpose: never seed it anywhere real.
 */
export const DEMO_ADMIN_TOTP_SECRET = "BOOTHDEMOADMINTOTPKEY234BOOTHDEM";

/** The demo's second brand, served on its own host (any port: the host alone picks the brand). */
export const DEMO_SECOND_BRAND = {
  id: "nightowl",
  slug: "nightowl",
  host: "nightowl.localhost",
  settings: {
    name: "Night Owl Live",
    legalName: "Night Owl Live Ltd",
    supportEmail: "help@nightowl.test",
    primaryColor: "#6d28d9",
    accentColor: "#0e7490",
    roomTheme: "light",
    emailFooter: "Night Owl Live · late-night sessions with the people you follow",
  },
} as const;

/** Its address: the app's own (APP_URL) with the brand's host, so the port is the one the app listens on. */
export function demoSecondBrandUrl(appUrl = process.env.APP_URL ?? "http://localhost:3000") {
  const url = new URL(appUrl);
  url.hostname = DEMO_SECOND_BRAND.host;
  return url.origin;
}

export const demoAccounts = [
  { email: "admin@booth.test", name: "Ada Admin", role: "admin", brandId: DEFAULT_BRAND_ID },
  { email: "maya@booth.test", name: "Maya Chen", role: "creator", brandId: DEFAULT_BRAND_ID },
  { email: "leo@booth.test", name: "Leo Park", role: "creator", brandId: DEFAULT_BRAND_ID },
  { email: "sam@booth.test", name: "Sam Rivera", role: "creator", brandId: DEFAULT_BRAND_ID },
  { email: "viewer@booth.test", name: "Vic Viewer", role: "viewer", brandId: DEFAULT_BRAND_ID },
  { email: "admin@nightowl.test", name: "Nia Admin", role: "admin", brandId: DEMO_SECOND_BRAND.id },
  { email: "ivy@nightowl.test", name: "Ivy Moreau", role: "creator", brandId: DEMO_SECOND_BRAND.id },
  { email: "viewer@nightowl.test", name: "Noor Viewer", role: "viewer", brandId: DEMO_SECOND_BRAND.id },
] as const;

const h = (hh: number, mm = 0) => hh * 60 + mm;

const creators = {
  "maya@booth.test": {
    slug: "maya-chen",
    displayName: "Maya Chen",
    timeZone: "Europe/Lisbon",
    bio: "Illustrator and art director. I review portfolios and run live sketch nights.",
    offerings: [
      {
        kind: "private_session",
        title: "Portfolio review",
        description: "A focused 1:1 on your portfolio.",
        durationMinutes: 30,
        priceCents: 4000,
        currency: "EUR",
        capacity: null,
      },
      {
        kind: "group_room",
        title: "Live sketch night",
        description: "Draw along, ask questions.",
        durationMinutes: 60,
        priceCents: 1200,
        currency: "EUR",
        capacity: 50,
      },
    ],
    availability: [1, 2, 3, 4].flatMap((d) => [
      { weekday: d, startMinute: h(9), endMinute: h(12) },
      { weekday: d, startMinute: h(14), endMinute: h(18) },
    ]),
  },
  "leo@booth.test": {
    slug: "leo-park",
    displayName: "Leo Park",
    timeZone: "America/New_York",
    bio: "Session guitarist. Lessons for every level, and a weekly Q&A.",
    offerings: [
      {
        kind: "private_session",
        title: "Guitar lesson",
        description: "Technique, theory or a song you love.",
        durationMinutes: 45,
        priceCents: 5500,
        currency: "USD",
        capacity: null,
      },
      {
        kind: "group_room",
        title: "Friday Q&A",
        description: "Bring your questions.",
        durationMinutes: 60,
        priceCents: 800,
        currency: "USD",
        capacity: 100,
      },
    ],
    availability: [
      ...[2, 4].map((d) => ({ weekday: d, startMinute: h(17), endMinute: h(21) })),
      { weekday: 6, startMinute: h(10), endMinute: h(16) },
    ],
  },
  // Open around the clock with no notice: a newcomer can book a call a few minutes away and join it
  // at once (npm run dev opens rooms 15 minutes early).
  "sam@booth.test": {
    slug: "sam-rivera",
    displayName: "Sam Rivera",
    timeZone: "UTC",
    bio: "Always on call for a quick test: book the next slot and meet in the room.",
    offerings: [
      {
        kind: "private_session",
        title: "Quick test call",
        description: "Fifteen minutes to try a live session end to end.",
        durationMinutes: 15,
        priceCents: 500,
        currency: "EUR",
        capacity: null,
        minNoticeMinutes: 0,
        // Recorded (LiveKit Egress), so the demo shows the consent notice, the indicator and the review page.
        recordingPolicy: "always" as const,
      },
      {
        kind: "group_room",
        title: "Open studio",
        description: "A demo live show: watch, chat, raise a hand, tip.",
        durationMinutes: 120,
        priceCents: 300,
        currency: "EUR",
        capacity: 20,
      },
    ],
    // Until 23:59, not 24:00: the studio's time fields (<input type="time">) cannot show 24:00.
    availability: [0, 1, 2, 3, 4, 5, 6].map((d) => ({ weekday: d, startMinute: 0, endMinute: h(23, 59) })),
  },
  // The second brand's creator: open late every night, bookable a few minutes ahead like Sam.
  "ivy@nightowl.test": {
    slug: "ivy-moreau",
    displayName: "Ivy Moreau",
    timeZone: "UTC",
    bio: "Tarot and late-night talks. Book a short reading and meet in the room.",
    offerings: [
      {
        kind: "private_session",
        title: "Short reading",
        description: "Twenty minutes, one question, one spread.",
        durationMinutes: 20,
        priceCents: 1500,
        currency: "GBP",
        capacity: null,
        minNoticeMinutes: 0,
      },
    ],
    availability: [0, 1, 2, 3, 4, 5, 6].map((d) => ({ weekday: d, startMinute: 0, endMinute: h(23, 59) })),
  },
} as const;

/**
 * Gives the demo admin its known second factor when it has none (a database seeded before two-step
 * sign-in existed, too). Needs AUTH_SECRET in the environment: the secret is stored sealed with it.
 */
export async function ensureDemoAdminTwoFactor(db: Db, email = "admin@booth.test") {
  const authSecret = process.env.AUTH_SECRET;
  if (!authSecret) throw new Error("AUTH_SECRET must be set to seed the demo admin's second factor");
  await db.user.updateMany({
    where: { email, role: "admin", totpEnabledAt: null },
    data: {
      totpSecret: sealTotpSecret(DEMO_ADMIN_TOTP_SECRET, authSecret),
      totpPendingSecret: null,
      totpEnabledAt: new Date(),
    },
  });
}

/** The second brand, its host and its look (added once; later edits in its console are left alone). */
export async function seedSecondBrand(db: Db) {
  const { id, slug, host, settings } = DEMO_SECOND_BRAND;
  await db.brand.upsert({
    where: { id },
    create: { id, slug, url: demoSecondBrandUrl(), settings: { create: settings } },
    // The app's port can change between runs; the address follows it.
    update: { url: demoSecondBrandUrl() },
  });
  await db.brandDomain.upsert({ where: { host }, create: { host, brandId: id }, update: {} });
}

export async function seedDemo(db: Db) {
  await seedSecondBrand(db);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  for (const account of demoAccounts) {
    const user = await db.user.upsert({
      where: { brandId_email: { brandId: account.brandId, email: account.email } },
      // Demo addresses are confirmed (nobody can open a @booth.test inbox) and agreed to the default terms.
      create: {
        brandId: account.brandId,
        email: account.email,
        name: account.name,
        role: account.role,
        passwordHash,
        emailVerifiedAt: new Date(),
        // Demo creators count as having passed the identity and age check (no documents are seeded).
        creatorVerifiedAt: account.role === "creator" ? new Date() : null,
        termsVersion: "demo",
        termsAcceptedAt: new Date(),
      },
      update: {},
      select: { id: true },
    });
    if (account.role === "admin") await ensureDemoAdminTwoFactor(db, account.email);
    const spec = creators[account.email as keyof typeof creators];
    if (!spec) continue;
    const existing = await db.creatorProfile.findUnique({ where: { userId: user.id }, select: { id: true } });
    if (existing) continue;
    await db.creatorProfile.create({
      data: {
        userId: user.id,
        slug: spec.slug,
        displayName: spec.displayName,
        bio: spec.bio,
        timeZone: spec.timeZone,
        published: true,
        offerings: { create: spec.offerings.map((o) => ({ ...o })) },
        availability: { create: spec.availability.map((r) => ({ ...r })) },
      },
    });
  }
  await seedModeration(db);
}

/**
 * An open report in the moderation queue (/admin/reports) and an audit trail (/admin/audit): the admin
 * approved the demo creators, and the demo viewer reported Leo from his profile. Added once.
 */
async function seedModeration(db: Db) {
  if ((await db.report.count()) > 0) return;
  const byEmail = async (email: string) =>
    db.user.findUniqueOrThrow({
      where: { brandId_email: { brandId: DEFAULT_BRAND_ID, email } },
      select: { id: true, email: true },
    });
  const admin = await byEmail("admin@booth.test");
  const viewer = await byEmail("viewer@booth.test");
  const leo = await byEmail("leo@booth.test");
  const firstBrandCreators = demoAccounts.filter((a) => a.role === "creator" && a.brandId === DEFAULT_BRAND_ID);
  for (const { email } of firstBrandCreators) {
    const creator = await byEmail(email);
    await db.auditEvent.create({
      data: {
        actorId: admin.id,
        actorEmail: admin.email,
        action: "application.approved",
        subjectType: "user",
        subjectId: creator.id,
        subjectUserId: creator.id,
        reason: "Demo data: seeded as an approved creator",
      },
    });
  }
  await db.report.create({
    data: {
      reporterId: viewer.id,
      subjectUserId: leo.id,
      context: "profile",
      reason: "scam",
      details: "Demo report: the profile asks viewers to pay by bank transfer outside the platform.",
    },
  });
}

/** Sam Rivera's demo show ("Open studio"), as `npm run dev` starts it. */
export const DEMO_SHOW_CREATOR = "sam@booth.test";

/**
 * A demo show anyone can buy and join at once, like the quick test call: when Sam Rivera has no show on
 * sale for at least the next hour, one is scheduled to start in 2 minutes (its room opens already: rooms
 * open before the start) for two hours. Run at every `npm run dev` start, so a demo database of any age has one.
 */
export async function ensureDemoShow(db: Db, now = new Date()) {
  const select = {
    id: true,
    creatorId: true,
    title: true,
    durationMinutes: true,
    priceCents: true,
    currency: true,
    capacity: true,
    freeCancellationHours: true,
  } as const;
  const spec = creators[DEMO_SHOW_CREATOR].offerings.find((o) => o.kind === "group_room")!;
  let offering = await db.offering.findFirst({
    where: { kind: "group_room", title: spec.title, creator: { user: { email: DEMO_SHOW_CREATOR } } },
    select,
  });
  if (!offering) {
    // A demo database from before the demo show existed: give Sam the offering.
    const profile = await db.creatorProfile.findFirst({
      where: { user: { email: DEMO_SHOW_CREATOR } },
      select: { id: true },
    });
    if (!profile) return null;
    offering = await db.offering.create({ data: { ...spec, creatorId: profile.id }, select });
  }
  const onSale = await db.groupEvent.findFirst({
    where: {
      creatorId: offering.creatorId,
      status: { in: ["scheduled", "live"] },
      endsAt: { gt: new Date(now.getTime() + 60 * 60_000) },
      startsAt: { lte: new Date(now.getTime() + 15 * 60_000) },
    },
    select: { id: true },
  });
  if (onSale) return onSale.id;
  const startsAt = new Date(now.getTime() + 2 * 60_000);
  startsAt.setSeconds(0, 0);
  const show = await db.groupEvent.create({
    data: {
      offeringId: offering.id,
      creatorId: offering.creatorId,
      title: offering.title,
      startsAt,
      endsAt: new Date(startsAt.getTime() + offering.durationMinutes * 60_000),
      capacity: offering.capacity ?? 20,
      priceCents: offering.priceCents,
      currency: offering.currency,
      freeCancellationHours: offering.freeCancellationHours,
    },
    select: { id: true },
  });
  return show.id;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { db } = await import("@/lib/db");
  await seedDemo(db);
  await ensureDemoShow(db);
  await db.$disconnect();
  console.log(`demo data ready; every demo account's password is ${DEMO_PASSWORD}`);
}
