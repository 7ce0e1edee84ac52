import "server-only";
import { assertRole, type Actor, inActorsBrand } from "@/lib/auth/permissions";
import { db } from "@/lib/db";

const publicOffering = {
  id: true,
  kind: true,
  title: true,
  description: true,
  durationMinutes: true,
  priceCents: true,
  currency: true,
  capacity: true,
  recordingPolicy: true,
} as const;

/** Published creators of `brandId` (the request's brand) whose accounts are active, for the directory. */
export async function listPublishedCreators(brandId: string) {
  const rows = await db.creatorProfile.findMany({
    where: { published: true, user: { status: "active", role: "creator", brandId } },
    orderBy: { displayName: "asc" },
    select: {
      slug: true,
      displayName: true,
      bio: true,
      avatarUrl: true,
      timeZone: true,
      offerings: {
        where: { active: true },
        select: { priceCents: true, currency: true },
        orderBy: { priceCents: "asc" },
      },
    },
  });
  return rows.map(({ offerings, ...p }) => {
    // Prices in different currencies do not compare: the cheapest in each currency the creator sells in.
    const cheapest = new Map<string, { priceCents: number; currency: string }>();
    for (const o of offerings) if (!cheapest.has(o.currency)) cheapest.set(o.currency, o);
    const prices = [...cheapest.values()].sort((a, b) => a.currency.localeCompare(b.currency));
    return { ...p, offeringCount: offerings.length, prices };
  });
}

/**
 * The directory: published creators, and the currencies their prices are in, so the page can say that
 * prices are in each creator's own currency when there is more than one.
 */
export async function getCreatorDirectory(brandId: string) {
  const creators = await listPublishedCreators(brandId);
  const currencies = [...new Set(creators.flatMap((c) => c.prices.map((p) => p.currency)))].sort();
  return { creators, currencies };
}

/**
 * A public profile on `brandId` (the request's brand), or null when it does not exist there, is
 * unpublished, or its creator is suspended.
 */
export async function getPublicProfile(slug: string, brandId: string) {
  return db.creatorProfile.findFirst({
    where: { slug, published: true, user: { status: "active", role: "creator", brandId } },
    select: {
      id: true,
      slug: true,
      userId: true,
      displayName: true,
      bio: true,
      avatarUrl: true,
      timeZone: true,
      offerings: { where: { active: true }, select: publicOffering, orderBy: [{ kind: "asc" }, { priceCents: "asc" }] },
      availability: { select: { weekday: true, startMinute: true, endMinute: true } },
    },
  });
}

/** Everything the creator's studio edits. */
export async function getStudio(userId: string) {
  return db.creatorProfile.findUnique({
    where: { userId },
    select: {
      id: true,
      slug: true,
      displayName: true,
      bio: true,
      avatarUrl: true,
      timeZone: true,
      published: true,
      offerings: {
        orderBy: { createdAt: "asc" },
        select: {
          ...publicOffering,
          minNoticeMinutes: true,
          horizonDays: true,
          freeCancellationHours: true,
          recordingRetentionDays: true,
          active: true,
        },
      },
      availability: {
        select: { weekday: true, startMinute: true, endMinute: true },
        orderBy: [{ weekday: "asc" }, { startMinute: "asc" }],
      },
      blackouts: { select: { id: true, date: true, reason: true }, orderBy: { date: "asc" } },
    },
  });
}

export async function getLatestApplication(userId: string) {
  return db.creatorApplication.findFirst({
    where: { userId },
    orderBy: { createdAt: "desc" },
    select: { id: true, status: true, displayName: true, decisionNote: true, createdAt: true },
  });
}

/** Admins only: the applications waiting for a decision, of their brand's accounts (every brand's for a platform admin). */
export async function listPendingApplications(actor: Actor) {
  assertRole(actor, ["admin"]);
  return db.creatorApplication.findMany({
    where: { status: "pending", user: inActorsBrand(actor) },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      displayName: true,
      pitch: true,
      createdAt: true,
      user: { select: { id: true, email: true, name: true } },
    },
  });
}
