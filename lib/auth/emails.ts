import "server-only";
import type { Brand } from "@/lib/branding/theme";
import type { OutgoingEmail } from "@/lib/mail/service";

/**
 * The account emails. Each says why it was sent; none says more about an account than its owner already
 * knows. Links are absolute (the brand's address); a token travels only in the link.
 */
const link = (brand: Brand, path: string) => new URL(path, brand.url).toString();

function body(brand: Brand, name: string, lines: string[], why: string) {
  return [`Hi ${name},`, "", ...lines, "", `— ${brand.name}`, "", `You get this email because ${why}`].join("\n");
}

/** Welcome, with the link that confirms the address (and signs the new account in). */
export function welcomeEmail(
  brand: Brand,
  user: { id: string; name: string; email: string },
  token: string,
  callbackUrl: string | null,
): OutgoingEmail {
  const q = new URLSearchParams({ token, ...(callbackUrl ? { callbackUrl } : {}) });
  return {
    dedupeKey: `account:${user.id}:welcome`,
    brandId: brand.id,
    to: user.email,
    subject: `Welcome to ${brand.name}: confirm your email`,
    text: body(
      brand,
      user.name,
      [
        `Welcome to ${brand.name}. Confirm your email address to finish signing up:`,
        "",
        link(brand, `/verify-email?${q}`),
        "",
        "The link works once, for 7 days. Then you can book private sessions and buy tickets to live shows.",
      ],
      `someone (we hope you) created a ${brand.name} account with this address. If it wasn't you, ignore it: nothing happens without the link.`,
    ),
  };
}

/** A new confirmation link (sent again from the dashboard, or after an email change). */
export function verificationEmail(
  brand: Brand,
  user: { id: string; name: string; email: string },
  token: string,
  tokenId: string,
): OutgoingEmail {
  return {
    dedupeKey: `account:${user.id}:verify:${tokenId}`,
    brandId: brand.id,
    to: user.email,
    subject: `Confirm your email for ${brand.name}`,
    text: body(
      brand,
      user.name,
      [
        "Confirm this address for your account:",
        "",
        link(brand, `/verify-email?${new URLSearchParams({ token })}`),
        "",
        "The link works once, for 7 days.",
      ],
      `a confirmation link was requested for your ${brand.name} account.`,
    ),
  };
}

/**
 * To the owner of an address someone tried to sign up with: the sign-up page said the same as for a new
 * address, so this is how the owner learns of it. One an hour at most (the dedupe key's hour).
 */
export function signUpTakenEmail(
  brand: Brand,
  user: { id: string; name: string; email: string },
  now: Date,
): OutgoingEmail {
  return {
    dedupeKey: `account:${user.id}:signup-taken:${now.toISOString().slice(0, 13)}`,
    brandId: brand.id,
    to: user.email,
    subject: `You already have a ${brand.name} account`,
    text: body(
      brand,
      user.name,
      [
        `Someone tried to create a new ${brand.name} account with this email address, which already has one. No new account was made.`,
        "",
        `If it was you, sign in: ${link(brand, "/signin")}`,
        `Forgot your password? Choose a new one: ${link(brand, "/forgot-password")}`,
        "",
        "If it wasn't you, you need not do anything: your account and password are unchanged.",
      ],
      `this address belongs to a ${brand.name} account.`,
    ),
  };
}

export function passwordResetEmail(
  brand: Brand,
  user: { id: string; name: string; email: string },
  token: string,
  tokenId: string,
): OutgoingEmail {
  return {
    dedupeKey: `account:${user.id}:password-reset:${tokenId}`,
    brandId: brand.id,
    to: user.email,
    subject: `Reset your ${brand.name} password`,
    text: body(
      brand,
      user.name,
      [
        "Choose a new password here:",
        "",
        link(brand, `/reset-password?${new URLSearchParams({ token })}`),
        "",
        "The link works once, within 1 hour. Choosing a new password signs you out on every device.",
        "If you didn't ask for this, ignore this email: your password stays as it is.",
      ],
      `a password reset was requested for your ${brand.name} account.`,
    ),
  };
}

/** A platform admin made this account the first admin of a new brand: choose a password to start. */
export function brandAdminInviteEmail(
  brand: Brand,
  user: { id: string; name: string; email: string },
  token: string,
  tokenId: string,
): OutgoingEmail {
  return {
    dedupeKey: `account:${user.id}:brand-admin-invite:${tokenId}`,
    brandId: brand.id,
    to: user.email,
    subject: `You're the admin of ${brand.name}: choose your password`,
    text: body(
      brand,
      user.name,
      [
        `${brand.name} is ready for you at ${brand.url}. You are its admin: its brand console, creators, people, sessions and money are yours to run.`,
        "",
        "Choose your password here:",
        "",
        link(brand, `/reset-password?${new URLSearchParams({ token })}`),
        "",
        `The link works once, within 1 hour; after that, use "Forgot password" at ${brand.url}/forgot-password. Admins then set up two-step sign-in (the account page asks for it).`,
      ],
      `a platform admin created ${brand.name} with you as its admin.`,
    ),
  };
}

export function passwordChangedEmail(
  brand: Brand,
  user: { id: string; name: string; email: string },
  tokenId: string,
  signedOut: "all" | "others" = "all",
): OutgoingEmail {
  return {
    dedupeKey: `account:${user.id}:password-changed:${tokenId}`,
    brandId: brand.id,
    to: user.email,
    subject: `Your ${brand.name} password was changed`,
    text: body(
      brand,
      user.name,
      [
        signedOut === "all"
          ? "Your password was just changed, and every device that was signed in has been signed out."
          : "Your password was just changed from your account page; every other device was signed out.",
        "",
        `If this wasn't you, reset your password now (${link(brand, "/forgot-password")}) and contact support.`,
      ],
      `the password of your ${brand.name} account changed.`,
    ),
  };
}

/** The link that makes a new address the account's (sent to the new address). */
export function emailChangeLinkEmail(
  brand: Brand,
  user: { id: string; name: string; email: string },
  token: string,
  tokenId: string,
): OutgoingEmail {
  return {
    dedupeKey: `account:${user.id}:email-change:${tokenId}`,
    brandId: brand.id,
    to: user.email,
    subject: `Confirm your new email address for ${brand.name}`,
    text: body(
      brand,
      user.name,
      [
        `Open this link to make ${user.email} the address of your ${brand.name} account:`,
        "",
        link(brand, `/confirm-email-change?${new URLSearchParams({ token })}`),
        "",
        "The link works once, for 7 days. Until then your old address stays.",
      ],
      `a change of address to this one was asked for from a ${brand.name} account.`,
    ),
  };
}

/** To the old address, once the change is done. */
export function emailChangedEmail(
  brand: Brand,
  before: { id: string; name: string; email: string },
  newEmail: string,
  tokenId: string,
): OutgoingEmail {
  return {
    dedupeKey: `account:${before.id}:email-changed:${tokenId}`,
    brandId: brand.id,
    to: before.email,
    subject: `Your ${brand.name} email address was changed`,
    text: body(
      brand,
      before.name,
      [
        `The email address of your ${brand.name} account was changed to ${newEmail}.`,
        "",
        "If this wasn't you, contact support at once.",
      ],
      `this was the address of your ${brand.name} account.`,
    ),
  };
}
