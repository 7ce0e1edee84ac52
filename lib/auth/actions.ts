"use server";
import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { runAction, formObject, type ActionState } from "@/lib/action";
import { AppError } from "@/lib/errors";
import { clientIp } from "@/lib/request";
import { getRoleByEmail } from "./queries";
import { signIn, signOut } from "./config";
import { messageFor, signInMessages } from "./messages";
import { homeFor } from "./permissions";
import { safeCallbackPath, signInInput } from "./schemas";
import { registerUser } from "./service";
import { requireUser } from "./session";
import { endAllAuthSessions } from "./sessions";

/** Signs in through next-auth (which sets the cookie); refusals become a message for the form. */
async function signInWithCredentials(email: string, password: string) {
  try {
    await signIn("credentials", { email, password, redirect: false });
  } catch (err) {
    if (err instanceof AuthError) {
      const code = (err as AuthError & { code?: string }).code ?? "invalid";
      throw new AppError(
        code === "rate_limited" ? "rate_limited" : "unauthorized",
        messageFor(signInMessages, code) ?? signInMessages.invalid,
      );
    }
    throw err;
  }
}

// POST (server action) – create a viewer account and sign it in
export async function signUpAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let destination = "/dashboard";
  const state = await runAction(form, async () => {
    const user = await registerUser(formObject(form), clientIp(await headers()));
    await signInWithCredentials(user.email, String(form.get("password")));
    destination = safeCallbackPath(form.get("callbackUrl")) ?? homeFor(user.role);
  });
  if (state.ok) redirect(destination);
  return state;
}

// POST (server action) – sign in with email and password, then go where the user was headed
export async function signInAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let destination = "/dashboard";
  const state = await runAction(form, async () => {
    const input = signInInput.parse(formObject(form));
    await signInWithCredentials(input.email, input.password);
    destination = safeCallbackPath(form.get("callbackUrl")) ?? homeFor((await getRoleByEmail(input.email)) ?? "viewer");
  });
  if (state.ok) redirect(destination);
  return state;
}

// POST (server action) – sign out (this session ends on the server too) and return to the landing page
export async function signOutAction() {
  await signOut({ redirectTo: "/" });
}

// POST (server action) – end every session of the signed-in user, this one included, then sign in again
export async function signOutEverywhereAction() {
  await endAllAuthSessions(await requireUser());
  await signOut({ redirectTo: "/signin?reason=everywhere" });
}
