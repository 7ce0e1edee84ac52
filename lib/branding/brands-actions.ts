"use server";
import { revalidatePath } from "next/cache";
import { formObject, runAction, type ActionState } from "@/lib/action";
import { requireRole } from "@/lib/auth/session";
import { addBrandDomain, createBrand, removeBrandDomain } from "./brands";

// POST (server action) – a platform admin creates a brand with its address and first admin
export async function createBrandAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const { host } = await createBrand(await requireRole("admin"), formObject(form));
    revalidatePath("/admin/brands");
    return `Created. It is served on ${host}; its admin was mailed a link to choose a password.`;
  });
}

// POST (server action) – a platform admin adds a host a brand is served on
export async function addBrandDomainAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const { host } = await addBrandDomain(await requireRole("admin"), formObject(form));
    revalidatePath("/admin/brands");
    return `Added: ${host} serves this brand from now on.`;
  });
}

// POST (server action) – a platform admin takes a host off a brand
export async function removeBrandDomainAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const { host } = await removeBrandDomain(await requireRole("admin"), formObject(form));
    revalidatePath("/admin/brands");
    return `Removed: ${host} now gets the default brand.`;
  });
}
