/** The message for `code` in `table`, never an inherited property ("__proto__"). */
export function messageFor(table: Record<string, string>, code: string | undefined): string | undefined {
  return code !== undefined && Object.hasOwn(table, code) ? table[code] : undefined;
}

/** What the sign-in page says for each refusal code next-auth carries. Generic on purpose. */
export const signInMessages = {
  invalid: "That email and password don't match an account. Check both and try again.",
  rate_limited: "Too many failed sign-in attempts. Wait a few minutes, then try again.",
  suspended: "This account is suspended. Contact support if you think this is a mistake.",
  code_required: "Enter the 6-digit code from your authenticator app, or one of your recovery codes.",
  code_invalid:
    "That code does not match. Enter the newest code from your authenticator app, or one of your recovery codes.",
  confirmed_sign_in: "Your email address is confirmed. Sign in with your password and your two-step code.",
  link_invalid:
    "This link has expired or was already used. Sign in with your password, or ask for a new link from your dashboard.",
} as Record<string, string> & { invalid: string };

/** Why the user was sent back to the sign-in page (/signin?reason=…). */
export const endedMessages: Record<string, string> = {
  suspended:
    "You have been signed out because your account was suspended. Contact support if you think this is a mistake.",
  revoked: "You have been signed out. Please sign in again.",
  everywhere: "You have been signed out on every device, this one included. Sign in again to continue.",
  password_reset: "Your password is changed. Sign in with it and the code from your authenticator app.",
};
