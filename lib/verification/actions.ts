"use server";
import { revalidatePath } from "next/cache";
import { formObject, runAction, type ActionState } from "@/lib/action";
import { requireRole } from "@/lib/auth/session";
import { decideVerification } from "./service";

// POST (server action) – an admin approves or declines a creator's identity and age check, with a note
export async function decideVerificationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const message = await decideVerification(await requireRole("admin"), formObject(form));
    revalidatePath("/admin/verifications");
    return message;
  });
}
