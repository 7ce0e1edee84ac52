import "server-only";
import { appendAudit } from "@/lib/audit/service";
import { brandAdminInviteEmail } from "@/lib/auth/emails";
import { hashPassword } from "@/lib/auth/password";
import { type Actor, isPlatformAdmin } from "@/lib/auth/permissions";
import { issueAccountToken } from "@/lib/auth/tokens";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { deliverSoon, enqueueEmails } from "@/lib/mail/service";
import { normalizeHost } from "./host";
import { brandFrom } from "./queries";
import { brandDomainInput, createBrandInput } from "./schemas";
import { DEFAULT_BRAND_ID } from "./theme";

/**
 * The brands of this deployment, managed by platform admins (admins of the default brand) only: each
 * brand is served on its hosts (brand_domains), has its own accounts, look, creators and money, and its
 * own admins, who see nothing of the others. Checked here, next to the data.
 */
/** The default brand's own host (APP_URL's): it stays the default brand's, or the platform admins lose their site. */
function assertNotPlatformHost(host: string, field: string) {
  if (host === normalizeHost(new URL(env.APP_URL).host))
    throw fieldError(field, `${host} is the platform's own address (APP_URL); it serves the default brand.`);
}

function assertPlatformAdmin(actor: Actor) {
  if (!isPlatformAdmin(actor) || !actor.twoFactor || actor.status !== "active")
    throw new AppError("not_found", "No such page.");
}

/** Every brand with its name, address, hosts and how many accounts it has (platform admins only). */
export async function listBrands(actor: Actor) {
  assertPlatformAdmin(actor);
  const rows = await db.brand.findMany({
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      slug: true,
      url: true,
      createdAt: true,
      domains: { select: { host: true }, orderBy: { host: "asc" } },
      _count: { select: { users: true } },
    },
  });
  return Promise.all(
    rows.map(async (b) => ({
      id: b.id,
      slug: b.slug,
      ...(({ name, url }) => ({ name, url }))(await brandFrom(db, b.id)),
      isDefault: b.id === DEFAULT_BRAND_ID,
      hosts: b.domains.map((d) => d.host),
      accounts: b._count.users,
      createdAt: b.createdAt,
    })),
  );
}

/**
 * Creates a brand served on its address's host, with its name, and its first admin: an account of the
 * new brand whose password is chosen through an emailed link (sent from the new brand, in its look).
 */
export async function createBrand(actor: Actor, raw: unknown) {
  assertPlatformAdmin(actor);
  const input = createBrandInput.parse(raw);
  const host = normalizeHost(new URL(input.url).host)!;
  assertNotPlatformHost(host, "url");
  const unusable = await hashPassword(crypto.randomUUID() + crypto.randomUUID());
  try {
    const brand = await db.$transaction(async (tx) => {
      const created = await tx.brand.create({
        data: {
          slug: input.slug,
          url: input.url,
          // Its own name, legal name and support address from the start (not the platform's defaults).
          settings: { create: { name: input.name, legalName: input.name, supportEmail: input.adminEmail } },
          domains: { create: { host } },
        },
        select: { id: true },
      });
      const admin = await tx.user.create({
        data: {
          brandId: created.id,
          email: input.adminEmail,
          name: input.adminName,
          role: "admin",
          passwordHash: unusable,
        },
        select: { id: true, name: true, email: true },
      });
      const { token, id } = await issueAccountToken(tx, admin, "password_reset");
      await enqueueEmails(tx, [brandAdminInviteEmail(await brandFrom(tx, created.id), admin, token, id)]);
      await appendAudit(tx, {
        actor,
        brandId: created.id,
        action: "brand.created",
        subjectType: "brand",
        subjectId: created.id,
        subjectUserId: admin.id,
        details: { slug: input.slug, url: input.url, host, admin: input.adminEmail },
      });
      return created;
    });
    deliverSoon();
    return { brandId: brand.id, host };
  } catch (err) {
    if (isUniqueViolation(err, "slug")) throw fieldError("slug", "Another brand has this short name.");
    if (isUniqueViolation(err, "brand_domains_pkey"))
      throw fieldError("url", `${host} already serves a brand; each host serves one.`);
    throw err;
  }
}

/** Adds a host a brand is served on (a second domain, a www. name). */
export async function addBrandDomain(actor: Actor, raw: unknown) {
  assertPlatformAdmin(actor);
  const { brandId, host } = brandDomainInput.parse(raw);
  assertNotPlatformHost(host, "host");
  const brand = await db.brand.findUnique({ where: { id: brandId }, select: { id: true } });
  if (!brand) throw new AppError("not_found", "No such brand.");
  try {
    await db.$transaction(async (tx) => {
      await tx.brandDomain.create({ data: { host, brandId } });
      await appendAudit(tx, {
        actor,
        brandId,
        action: "brand.domain_added",
        subjectType: "brand",
        subjectId: brandId,
        details: { host },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err, "brand_domains_pkey")) throw fieldError("host", `${host} already serves a brand.`);
    throw err;
  }
  return { host };
}

/** Takes a host off a brand (requests to it then get the default brand). */
export async function removeBrandDomain(actor: Actor, raw: unknown) {
  assertPlatformAdmin(actor);
  const { brandId, host } = brandDomainInput.parse(raw);
  const brand = await db.brand.findUnique({ where: { id: brandId }, select: { url: true } });
  // The host of the brand's own address stays: its emails and checkouts link there.
  if (brand?.url && normalizeHost(new URL(brand.url).host) === host)
    throw fieldError("host", `${host} is the brand's own address (its emails and checkouts link there); it stays.`);
  await db.$transaction(async (tx) => {
    const { count } = await tx.brandDomain.deleteMany({ where: { host, brandId } });
    if (!count) throw new AppError("not_found", "That host does not serve this brand.");
    await appendAudit(tx, {
      actor,
      brandId,
      action: "brand.domain_removed",
      subjectType: "brand",
      subjectId: brandId,
      details: { host },
    });
  });
  return { host };
}
