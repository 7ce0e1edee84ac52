"use server";
import { revalidatePath } from "next/cache";
import { formObject, runAction, type ActionState } from "@/lib/action";
import { requireRole } from "@/lib/auth/session";
import { restoreBrandVersion, saveBrand } from "./service";

// POST (server action) – an admin saves the brand console's form as a new version
export async function saveBrandAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const admin = await requireRole("admin");
    const result = await saveBrand(admin, formObject(form));
    // Every page reads the brand per request; this only drops the browser's cached copies of them.
    revalidatePath("/", "layout");
    return result.changed
      ? `Saved as version ${result.number}. Every page, email and room uses it from now on.`
      : "Nothing changed: this is already the brand in force.";
  });
}

// POST (server action) – an admin restores an earlier version of the brand
export async function restoreBrandAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const admin = await requireRole("admin");
    const result = await restoreBrandVersion(admin, formObject(form));
    revalidatePath("/", "layout");
    return result.changed
      ? `Restored: it is in force now, as version ${result.number}.`
      : "Nothing changed: that version is already the brand in force.";
  });
}
