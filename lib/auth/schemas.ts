import { z } from "zod";
import { singleLine } from "@/lib/schemas/text";
import { canonicalTimeZone, isValidTimeZone } from "@/lib/time";

export const emailField = singleLine()
  .trim()
  .toLowerCase()
  .pipe(z.email("Enter an email address like name@example.com"));

export const newPasswordField = singleLine()
  .min(10, "Use at least 10 characters for your password")
  .max(200, "Use at most 200 characters for your password");

export const signUpInput = z.object({
  name: singleLine().trim().min(1, "Enter your name").max(80, "Keep your name under 80 characters"),
  email: emailField,
  password: newPasswordField,
  /** The browser's zone (a hidden field); anything unknown becomes UTC rather than refusing the sign-up. */
  timeZone: singleLine().max(64).optional(),
  /** The terms checkbox ("on" when ticked; absent when not). */
  acceptTerms: z.literal("on", "Tick the box to agree to the terms and privacy policy"),
});
export type SignUpInput = z.infer<typeof signUpInput>;

export const signInInput = z.object({
  email: emailField,
  password: singleLine().min(1, "Enter your password").max(200),
  /** The second factor's code (6 digits) or a recovery code, when the account has one. */
  code: singleLine().trim().max(20).optional(),
});

/** The sign-in form's second step: the signed note that the password was right, and the code. */
export const signInCodeInput = z.object({
  email: emailField,
  pending: singleLine().min(1).max(500),
  code: singleLine().trim().min(1, "Enter the code from your authenticator app").max(20),
});

const totpCodeField = singleLine()
  .trim()
  .regex(/^\d{3} ?\d{3}$/, "Enter the 6-digit code from your authenticator app");

export const confirmTwoFactorInput = z.object({ code: totpCodeField });

export const disableTwoFactorInput = z.object({
  password: singleLine().min(1, "Enter your current password").max(200),
  code: singleLine().trim().min(1, "Enter a code from the app or a recovery code").max(20),
});
export type SignInInput = z.infer<typeof signInInput>;

export const changeNameInput = z.object({ name: signUpInput.shape.name });

export const changeTimeZoneInput = z.object({
  timeZone: singleLine()
    .trim()
    .refine(isValidTimeZone, "Choose a time zone from the list, like Europe/Berlin")
    .transform(canonicalTimeZone),
});

export const changePasswordInput = z.object({
  currentPassword: singleLine().min(1, "Enter your current password").max(200),
  newPassword: newPasswordField,
});

export const changeEmailInput = z.object({
  newEmail: emailField,
  currentPassword: singleLine().min(1, "Enter your current password").max(200),
});

export const forgotPasswordInput = z.object({ email: emailField });
export type ForgotPasswordInput = z.infer<typeof forgotPasswordInput>;

/** A mailed link's token: 43 URL-safe characters; anything else is no token of ours. */
export const accountTokenField = singleLine()
  .trim()
  .regex(/^[A-Za-z0-9_-]{20,100}$/, "This link is incomplete. Open it again from the email, or ask for a new one.");

export const resetPasswordInput = z.object({ token: accountTokenField, password: newPasswordField });
export type ResetPasswordInput = z.infer<typeof resetPasswordInput>;

export const verifyEmailInput = z.object({ token: accountTokenField });

/**
 * Only same-site paths may be a post-sign-in destination (no open redirects). Browsers strip tabs
 * and newlines and read "\\" as "/", so "/\t/evil.com" and "/\\evil.com" mean "//evil.com":
 * anything with whitespace, control characters or backslashes is refused, and what is left must
 * resolve to our own origin.
 */
export function safeCallbackPath(value: unknown): string | null {
  if (typeof value !== "string" || value.length > 2000 || !value.startsWith("/")) return null;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\s\\]|[\u0000-\u001f\u007f]/.test(value)) return null;
  if (value.startsWith("//")) return null;
  // Return the value as given: normalising it ("/.//evil" → "//evil") would create the very thing refused above.
  const base = "http://booth.invalid";
  try {
    return new URL(value, base).origin === base ? value : null;
  } catch {
    return null;
  }
}
