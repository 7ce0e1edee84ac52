"use server";
import { AuthError } from "next-auth";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { runAction, formObject, type ActionState } from "@/lib/action";
import { AppError } from "@/lib/errors";
import { clientIp } from "@/lib/request";
import { getRoleByEmail } from "./queries";
import { signIn, signOut } from "./config";
import { requestPasswordReset, resetPassword } from "./recovery";
import { messageFor, signInMessages } from "./messages";
import { homeFor } from "./permissions";
import { safeCallbackPath, signInInput } from "./schemas";
import { registerUser } from "./service";
import { getSessionState, requireUser } from "./session";
import { changeName, changePassword } from "./account";
import { confirmEmailChange, requestEmailChange } from "./email-change";
import { endAllAuthSessions } from "./sessions";
import { resendVerification } from "./verification";

/** Signs in through next-auth (which sets the cookie); refusals become a message for the form. */
async function signInWithCredentials(email: string, password: string) {
  await signInWith("credentials", { email, password });
}

async function signInWith(provider: "credentials" | "email-link", fields: Record<string, string>) {
  try {
    await signIn(provider, { ...fields, redirect: false });
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

// POST (server action) – create a viewer account (or mail the address's owner); the same answer either way
export async function signUpAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const { message } = await registerUser(formObject(form), clientIp(await headers()), form.get("callbackUrl"));
    return message;
  });
}

// POST (server action) – the emailed link's button: confirm the address, sign in, go where the user was headed
export async function verifyEmailAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let destination = "/dashboard";
  const state = await runAction(form, async () => {
    await signInWith("email-link", { token: String(form.get("token") ?? "") });
    destination = safeCallbackPath(form.get("callbackUrl")) ?? "/dashboard";
  });
  if (state.ok) redirect(destination);
  return state;
}

// POST (server action) – mail the signed-in user a new confirmation link
export async function resendVerificationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => resendVerification(await requireUser()));
}

// POST (server action) – mail a password reset link if the address has an account; the same answer either way
export async function forgotPasswordAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => requestPasswordReset(formObject(form), clientIp(await headers())));
}

// POST (server action) – set a new password with the emailed link (every session ends), then sign in with it
export async function resetPasswordAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let destination = "/dashboard";
  const state = await runAction(form, async () => {
    const { email } = await resetPassword(formObject(form));
    await signInWithCredentials(email, String(form.get("password")));
    destination = homeFor((await getRoleByEmail(email)) ?? "viewer");
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

// POST (server action) – the signed-in user changes their name
export async function changeNameAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const message = await changeName(await requireUser(), formObject(form));
    revalidatePath("/account");
    return message;
  });
}

// POST (server action) – the signed-in user changes their password (needs the current one); other devices are signed out
export async function changePasswordAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const user = await requireUser();
    const state = await getSessionState();
    return changePassword(user, state.kind === "user" ? state.sessionId : "", formObject(form));
  });
}

// POST (server action) – ask to change the email address (current password needed); the new address gets a link
export async function changeEmailAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => requestEmailChange(await requireUser(), formObject(form)));
}

// POST (server action) – the new address's link: the address changes
export async function confirmEmailChangeAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => confirmEmailChange(formObject(form)));
}
