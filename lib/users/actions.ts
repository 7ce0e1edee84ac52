"use server";
import { revalidatePath } from "next/cache";
import { formObject, runAction, type ActionState } from "@/lib/action";
import { signOut } from "@/lib/auth/config";
import { requireRole, requireUser } from "@/lib/auth/session";
import { redirect } from "next/navigation";
import { deleteOwnAccount } from "./delete-account";
import { changeUserRole, setUserStatus } from "./service";

// POST (server action) – admin changes a user's role
export async function changeRoleAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const admin = await requireRole("admin");
    const user = await changeUserRole(admin, formObject(form));
    revalidatePath("/admin");
    return `Role changed to ${user.role}.`;
  });
}

// POST (server action) – admin suspends or reinstates a user
export async function setStatusAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const admin = await requireRole("admin");
    const user = await setUserStatus(admin, formObject(form));
    revalidatePath("/admin");
    return user.status === "suspended" ? "User suspended. Their sessions have ended." : "User reinstated.";
  });
}

// POST (server action) – the signed-in user deletes (anonymises) their own account, then leaves signed out
export async function deleteAccountAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const state = await runAction(form, async () => deleteOwnAccount(await requireUser(), formObject(form)));
  if (!state.ok) return state;
  await signOut({ redirect: false });
  redirect("/?account=deleted");
}
