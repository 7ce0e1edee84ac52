"use server";
import { AuthError } from "next-auth";
import { revalidatePath } from "next/cache";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { runAction, formObject, type ActionState } from "@/lib/action";
import { getRequestBrandId } from "@/lib/branding/queries";
import { AppError } from "@/lib/errors";
import { clientIp } from "@/lib/request";
import { getRoleByEmail } from "./queries";
import { signIn, signOut } from "./config";
import { requestPasswordReset, resetPassword } from "./recovery";
import { messageFor, signInMessages } from "./messages";
import { homeFor } from "./permissions";
import { safeCallbackPath, signInCodeInput, signInInput } from "./schemas";
import { registerUser } from "./service";
import { getSessionState, requireUser } from "./session";
import { changeName, changePassword, changeTimeZone } from "./account";
import { confirmEmailChange, requestEmailChange } from "./email-change";
import { endAllAuthSessions } from "./sessions";
import { resendVerification } from "./verification";
import { confirmTwoFactor, disableTwoFactor, issuePendingSignIn, startTwoFactorEnrolment } from "./two-factor";

/** The password was right and the account has two-step sign-in: the form asks for the code next. */
class CodeRequired extends AppError {
  constructor() {
    super("unauthorized", signInMessages.code_required!);
  }
}

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
      if (code === "code_required") throw new CodeRequired();
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
    const { message } = await registerUser(
      formObject(form),
      clientIp(await headers()),
      await getRequestBrandId(),
      form.get("callbackUrl"),
    );
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
  return runAction(form, async () =>
    requestPasswordReset(formObject(form), clientIp(await headers()), await getRequestBrandId()),
  );
}

// POST (server action) – set a new password with the emailed link (every session ends), then sign in with it
export async function resetPasswordAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  let destination = "/dashboard";
  const state = await runAction(form, async () => {
    const { email } = await resetPassword(formObject(form));
    try {
      await signInWithCredentials(email, String(form.get("password")));
      destination = homeFor((await getRoleByEmail(email, await getRequestBrandId())) ?? "viewer");
    } catch (err) {
      // Two-step accounts: the password is changed; signing in still needs the code.
      if (!(err instanceof CodeRequired)) throw err;
      destination = "/signin?reason=password_reset";
    }
  });
  if (state.ok) redirect(destination);
  return state;
}

/** The sign-in form's state: on "code required", the signed note that replaces the password in step two. */
export type SignInState = ActionState & { pending?: string; email?: string };

// POST (server action) – sign in with email and password (then, for two-step accounts, the code), then go where the user was headed
export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  let destination = "/dashboard";
  let pending: string | null = null;
  let email = "";
  const state = await runAction(form, async () => {
    const step = form.get("pending") ? signInCodeInput.parse(formObject(form)) : null;
    const input = step ? null : signInInput.parse(formObject(form));
    email = (step ?? input)!.email;
    try {
      if (step) await signInWith("credentials", { email: step.email, pending: step.pending, code: step.code });
      else await signInWithCredentials(input!.email, input!.password);
    } catch (err) {
      // Only a right password gets here (lib/auth/service.ts), so the note may be issued.
      if (err instanceof CodeRequired) pending = await issuePendingSignIn(email, await getRequestBrandId());
      throw err;
    }
    destination =
      safeCallbackPath(form.get("callbackUrl")) ??
      homeFor((await getRoleByEmail(email, await getRequestBrandId())) ?? "viewer");
  });
  if (state.ok) redirect(destination);
  const carried = pending ?? (typeof form.get("pending") === "string" ? String(form.get("pending")) : null);
  return carried ? { ...state, pending: carried, email } : state;
}

/** The two-factor page's state: the recovery codes, once, right after turning it on. */
export type TwoFactorState = ActionState & { recoveryCodes?: string[] };

// POST (server action) – start two-step sign-in enrolment: a new key and QR code on /account/two-factor
export async function startTwoFactorAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    await startTwoFactorEnrolment(await requireUser());
    revalidatePath("/account/two-factor");
  });
}

// POST (server action) – confirm enrolment with a code from the app; answers the recovery codes, once
export async function confirmTwoFactorAction(_prev: TwoFactorState, form: FormData): Promise<TwoFactorState> {
  let codes: string[] = [];
  const state = await runAction(form, async () => {
    const user = await requireUser();
    const state = await getSessionState();
    codes = await confirmTwoFactor(user, state.kind === "user" ? state.sessionId : "", formObject(form));
    return "Two-step sign-in is on.";
  });
  return state.ok ? { ...state, recoveryCodes: codes } : state;
}

// POST (server action) – turn two-step sign-in off (password and a code needed; not for admins)
export async function disableTwoFactorAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const message = await disableTwoFactor(await requireUser(), formObject(form));
    revalidatePath("/account/two-factor");
    return message;
  });
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

// POST (server action) – the signed-in user chooses the time zone Booth shows their times in
export async function changeTimeZoneAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const message = await changeTimeZone(await requireUser(), formObject(form));
    revalidatePath("/", "layout");
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
