import "server-only";
import { dictionary } from "@zxcvbn-ts/language-common";
import { fieldError } from "@/lib/errors";

/**
 * What a new password must not be, beyond the schema's length (lib/auth/schemas.ts). Kept on the server:
 * the list is ~50,000 entries, too big for the sign-up page's bundle.
 *
 * The common passwords are zxcvbn-ts's "passwords-common" list (@zxcvbn-ts/language-common, MIT), the
 * most frequent passwords of public breach corpora, ranked: the first ones any guessing attack tries,
 * and what our per-account limit of a few guesses would still let through.
 */
let common: Set<string> | undefined;
function commonPasswords() {
  common ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));
  return common;
}

export const PASSWORD_COMMON_MESSAGE =
  "This is one of the most commonly used passwords, so it is among the first an attacker would try. Choose another.";
export const PASSWORD_EMAIL_MESSAGE =
  "Don't build your password from your email address: it is the first thing an attacker would try. Choose another.";

/** The reason `password` may not be used with `email`, or null when it may. */
export function passwordProblem(password: string, email: string): string | null {
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower)) return PASSWORD_COMMON_MESSAGE;
  // "jane.doe+shop@example.com": both "jane.doe+shop" and "jane.doe" are the address's own words. Local
  // parts shorter than 3 characters are too short to be "in" a password by anything but chance.
  const local = email.toLowerCase().split("@")[0] ?? "";
  const names = [local, local.split("+")[0] ?? ""].filter((n) => n.length >= 3);
  if (lower === email.toLowerCase() || lower === local || names.some((n) => lower.includes(n))) {
    return PASSWORD_EMAIL_MESSAGE;
  }
  return null;
}

/** Throws a 422 on the password field saying why, when the password may not be used. */
export function assertPasswordAllowed(password: string, email: string) {
  const problem = passwordProblem(password, email);
  if (problem) throw fieldError("password", problem);
}
