"use server";
import { revalidatePath } from "next/cache";
import { formObject, runAction, type ActionState } from "@/lib/action";
import { requireRole } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { applyAsCreator, decideApplication } from "./applications";
import { weeklyRulesFromForm } from "./schemas";
import { addBlackout, removeBlackout, replaceAvailability, saveOffering, updateProfile } from "./service";

function refreshPublicPages(slug?: string) {
  revalidatePath("/studio");
  revalidatePath("/creators");
  if (slug) revalidatePath(`/creators/${slug}`);
}

// POST (server action) – creator saves their profile
export async function updateProfileAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const creator = await requireRole("creator");
    const profile = await updateProfile(creator, formObject(form));
    refreshPublicPages(profile.slug);
    return profile.published ? "Profile saved and published." : "Profile saved. It is hidden until you publish it.";
  });
}

// POST (server action) – creator adds or edits an offering
export async function saveOfferingAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const creator = await requireRole("creator");
    await saveOffering(creator, formObject(form));
    refreshPublicPages();
    return form.get("id") ? "Offering saved." : "Offering added.";
  });
}

// POST (server action) – creator replaces their weekly availability
export async function saveAvailabilityAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const creator = await requireRole("creator");
    const { rules, errors } = weeklyRulesFromForm(form);
    if (Object.keys(errors).length) throw new AppError("invalid", "Please fix the highlighted days.", errors);
    const count = await replaceAvailability(creator, rules);
    refreshPublicPages();
    return count
      ? `Weekly availability saved (${count} time range${count === 1 ? "" : "s"}).`
      : "Weekly availability cleared.";
  });
}

// POST (server action) – creator blocks a date
export async function addBlackoutAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const creator = await requireRole("creator");
    await addBlackout(creator, formObject(form));
    refreshPublicPages();
    return "Date blocked.";
  });
}

// POST (server action) – creator unblocks a date
export async function removeBlackoutAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const creator = await requireRole("creator");
    await removeBlackout(creator, String(form.get("id") ?? ""));
    refreshPublicPages();
    return "Date unblocked.";
  });
}

// POST (server action) – viewer applies to become a creator
export async function applyAsCreatorAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const viewer = await requireRole("viewer");
    await applyAsCreator(viewer, formObject(form));
    revalidatePath("/dashboard");
    return "Application sent. An admin will review it soon.";
  });
}

// POST (server action) – admin approves or declines a creator application
export async function decideApplicationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const admin = await requireRole("admin");
    const result = await decideApplication(admin, formObject(form));
    revalidatePath("/admin");
    return result.status === "approved"
      ? "Approved: they are now a creator with a draft profile."
      : "Application declined.";
  });
}
