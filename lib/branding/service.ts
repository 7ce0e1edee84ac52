import "server-only";
import { appendAudit } from "@/lib/audit/service";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { storage } from "@/lib/storage";
import { contrastErrors } from "./contrast";
import {
  type BrandChange,
  brandSettingFields,
  brandSettingsInput,
  diffBrandSettings,
  restoreVersionInput,
  type StoredBrandSettings,
} from "./schemas";
import { storedSettingsFromJson, storedSettingsOf } from "./stored";
import { brandFromEnv, mergeBrand } from "./theme";

export type BrandSaveResult =
  | { changed: false }
  | { changed: true; versionId: string; number: number; changes: BrandChange[] };

/**
 * Writes `next` as the brand in force and records it as a new version, with the audit entry, in one
 * transaction that holds the settings row's lock (two admins saving at once get consecutive versions,
 * each diffed against the one before). The first save also records what was in force before it
 * (version 1, usually the environment's defaults), so the very first look can be restored too.
 * Nothing is cached: every page, email and room reads the row on its next request. An admin changes the
 * brand they belong to (the request's: a session counts only on its own brand's hosts).
 */
async function applySettings(
  actor: Actor,
  next: StoredBrandSettings,
  restoredFrom: number | null,
): Promise<BrandSaveResult> {
  const effective = mergeBrand(brandFromEnv(env), next);
  const contrast = contrastErrors(effective);
  if (contrast)
    throw new AppError("invalid", "A colour is too hard to read text on; pick the suggested shade.", contrast);

  return db.$transaction(async (tx) => {
    const id = actor.brandId;
    await tx.$executeRaw`INSERT INTO brand_settings (id, "updatedAt") VALUES (${id}, now()) ON CONFLICT (id) DO NOTHING`;
    await tx.$queryRaw`SELECT id FROM brand_settings WHERE id = ${id} FOR UPDATE`;
    const current = storedSettingsOf(await tx.brandSettings.findUniqueOrThrow({ where: { id } }));
    const changes = diffBrandSettings(current, next);
    if (!changes.length) return { changed: false as const };

    const last = await tx.brandVersion.findFirst({ where: { brandSettingsId: id }, orderBy: { number: "desc" } });
    let number = last?.number ?? 0;
    if (!last) {
      number = 1;
      await tx.brandVersion.create({
        data: { brandSettingsId: id, number, settings: current, changes: [], actorId: null, actorEmail: null },
      });
    }
    number += 1;
    await tx.brandSettings.update({ where: { id }, data: next });
    const version = await tx.brandVersion.create({
      data: {
        brandSettingsId: id,
        number,
        settings: next,
        changes,
        restoredFromNumber: restoredFrom,
        actorId: actor.id,
        actorEmail: actor.email,
      },
      select: { id: true },
    });
    await audit(tx, actor, restoredFrom, number, changes);
    return { changed: true as const, versionId: version.id, number, changes };
  });
}

async function audit(
  tx: Prisma.TransactionClient,
  actor: Actor,
  restoredFrom: number | null,
  number: number,
  changes: BrandChange[],
) {
  await appendAudit(tx, {
    actor,
    action: restoredFrom === null ? "brand.updated" : "brand.restored",
    subjectType: "brand",
    subjectId: actor.brandId,
    details: {
      version: number,
      ...(restoredFrom === null ? {} : { restoredFrom }),
      // Long texts (terms, privacy) are named, not copied: the version row keeps them.
      changed: changes.map((c) => c.field),
    },
  });
}

/** Saves the console's form (admins only; checked here, next to the data). */
export async function saveBrand(actor: Actor, raw: unknown): Promise<BrandSaveResult> {
  assertRole(actor, ["admin"]);
  const input = brandSettingsInput.parse(raw);
  // A logo and its favicon come and go together (both from one upload), and must have been stored.
  if (!input.logoKey) input.faviconKey = null;
  else {
    const store = storage();
    const [logo, icon] = await Promise.all([
      store.stat(input.logoKey),
      input.faviconKey ? store.stat(input.faviconKey) : null,
    ]);
    if (!logo || !icon)
      throw new AppError("invalid", "Upload the logo again: the stored image was not found.", {
        logoKey: ["Upload the logo again: the stored image was not found."],
      });
  }
  const next = {} as StoredBrandSettings;
  for (const f of brandSettingFields) next[f] = input[f] ?? null;
  return applySettings(actor, next, null);
}

/** Makes an earlier version the brand in force again, as a new version that says which it restored. */
export async function restoreBrandVersion(actor: Actor, raw: unknown): Promise<BrandSaveResult> {
  assertRole(actor, ["admin"]);
  const { versionId } = restoreVersionInput.parse(raw);
  const version = await db.brandVersion.findFirst({
    where: { id: versionId, brandSettingsId: actor.brandId },
  });
  if (!version) throw new AppError("not_found", "That version does not exist.");
  return applySettings(actor, storedSettingsFromJson(version.settings), version.number);
}
