import "server-only";
import { assertRole, type Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { takeBudget } from "@/lib/rate-limit";
import { assertCreatorVerified } from "@/lib/verification/gate";
import type { WeeklyRule } from "./availability";
import { addBlackoutInput, replaceAvailabilityInput, saveOfferingInput, updateProfileInput } from "./schemas";

async function profileIdOf(actor: Actor) {
  const profile = await db.creatorProfile.findUnique({ where: { userId: actor.id }, select: { id: true } });
  if (!profile) throw new AppError("conflict", "Save your profile first; offerings and availability belong to it.");
  return profile.id;
}

/** Creator: create or edit their own profile. */
export async function updateProfile(actor: Actor, raw: unknown) {
  assertRole(actor, ["creator"]);
  const input = updateProfileInput.parse(raw);
  if (input.published) await assertCreatorVerified(actor.id);
  const save = () =>
    db.creatorProfile.upsert({
      where: { userId: actor.id },
      create: { userId: actor.id, ...input },
      update: input,
      select: { slug: true, published: true },
    });
  try {
    return await save();
  } catch (err) {
    if (isUniqueViolation(err, "slug"))
      throw fieldError("slug", "That address is taken. Try another, like adding your city.");
    // Two first saves at once (a double click): the loser finds the row the winner created.
    if (isUniqueViolation(err, "userId")) return save();
    throw err;
  }
}

/** Creator: add an offering, or edit one of their own (an id from someone else's profile is not found). */
export async function saveOffering(actor: Actor, raw: unknown) {
  assertRole(actor, ["creator"]);
  const { id, price, ...input } = saveOfferingInput.parse(raw);
  if (input.active) await assertCreatorVerified(actor.id);
  const creatorId = await profileIdOf(actor);
  const data = { ...input, priceCents: price };
  if (!id) await takeBudget("offering", actor.id);
  if (!id) return db.offering.create({ data: { ...data, creatorId }, select: { id: true } });
  const { count } = await db.offering.updateMany({ where: { id, creatorId }, data });
  if (count === 0) throw new AppError("not_found", "That offering doesn't exist or isn't yours.");
  return { id };
}

/** Creator: replace the whole weekly schedule at once (the editor shows all seven days). */
export async function replaceAvailability(actor: Actor, rules: WeeklyRule[]) {
  assertRole(actor, ["creator"]);
  const parsed = replaceAvailabilityInput.safeParse({ rules });
  if (!parsed.success) {
    // Report each problem against its day (the editor shows errors per weekday row).
    const byDay: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (byDay[String(issue.path[1] ?? "rules")] ??= []).push(issue.message);
    throw new AppError("invalid", "Please fix the highlighted days.", byDay);
  }
  const input = parsed.data;
  const creatorId = await profileIdOf(actor);
  await db.$transaction([
    db.availabilityRule.deleteMany({ where: { creatorId } }),
    db.availabilityRule.createMany({ data: input.rules.map((r) => ({ ...r, creatorId })) }),
  ]);
  return input.rules.length;
}

export async function addBlackout(actor: Actor, raw: unknown) {
  assertRole(actor, ["creator"]);
  const input = addBlackoutInput.parse(raw);
  const creatorId = await profileIdOf(actor);
  await takeBudget("offering", actor.id);
  try {
    return await db.blackoutDate.create({
      data: { creatorId, date: new Date(`${input.date}T00:00:00Z`), reason: input.reason },
      select: { id: true },
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw fieldError("date", "That date is already blocked.");
    throw err;
  }
}

export async function removeBlackout(actor: Actor, blackoutId: string) {
  assertRole(actor, ["creator"]);
  const creatorId = await profileIdOf(actor);
  const { count } = await db.blackoutDate.deleteMany({ where: { id: blackoutId, creatorId } });
  if (count === 0) throw new AppError("not_found", "That blocked date doesn't exist or isn't yours.");
}
