import { createHash } from "node:crypto";
import type { Brand } from "./theme";

/**
 * The legal pages (/legal/terms, /legal/privacy). The operator's own text (BRAND_TERMS_TEXT, or the
 * brand settings row) replaces the default, which is written from the brand so a fresh deployment is
 * never without terms. No I/O here.
 */
export type LegalDoc = "terms" | "privacy";

export const legalTitles: Record<LegalDoc, string> = { terms: "Terms of service", privacy: "Privacy policy" };

export function isLegalDoc(value: string): value is LegalDoc {
  return value === "terms" || value === "privacy";
}

function contact(brand: Brand) {
  return brand.supportEmail ? `by email at ${brand.supportEmail}` : "through the support address shown on the site";
}

function defaultTerms(brand: Brand) {
  return [
    `These terms apply when you use ${brand.name}, operated by ${brand.legalName}.`,
    "",
    "1. Your account. Keep your password to yourself. You are responsible for what is done with your account. You must be old enough to enter into a contract where you live.",
    "2. Paying. Prices are shown with their currency before you pay. Payments are taken by Stripe. Each offering shows its free-cancellation window at checkout; cancelling inside it is refunded in full, later is not. If a creator cancels or does not show up, you are refunded in full.",
    "3. Sessions and shows. Live video is between you and the creator. Do not record others without their consent, and do not harass, threaten or exploit anyone. Creators can remove people from their rooms, and we can suspend accounts that break these terms. For everyone's safety, our staff may watch a live session or show without being shown in it; each time is recorded.",
    "4. Creators. Creators set their own prices and hours and are paid what viewers pay, less the platform fee shown in their studio.",
    `5. Contact. Questions about these terms go to ${brand.legalName}, ${contact(brand)}.`,
  ].join("\n");
}

function defaultPrivacy(brand: Brand) {
  return [
    `${brand.legalName} runs ${brand.name} and is responsible for the data described here.`,
    "",
    "What we keep: your name, email address and a hash of your password (never the password itself); your bookings, tickets, tips and the payments and refunds that go with them; the time zone you book in; and, for live sessions, technical records of how each connection was made (when you joined and left, the network route, whether your camera and microphone started), which we use to settle refunds and to help when a call fails.",
    "Who else sees it: Stripe processes payments (we never see your card number). The creator you book sees your name and the times you booked. Our support staff can read your records to answer your requests, and, for safety, may watch a live session or show as it happens without being shown in it (nothing is recorded by this; each time is logged).",
    "Email: we send mail about your account (confirming your address, password resets) and about your bookings and tickets. Every email says why it was sent.",
    `Your rights: you can ask for a copy of your data, or for it to be corrected or deleted, ${contact(brand)}. Records we must keep for payments and tax are kept, with your name and address removed where we can.`,
  ].join("\n");
}

/** The text in force for `doc`, whether it is the operator's or the default, and its version. */
export function legalDocument(brand: Brand, doc: LegalDoc) {
  const configured = doc === "terms" ? brand.termsText : brand.privacyText;
  const text = configured ?? (doc === "terms" ? defaultTerms(brand) : defaultPrivacy(brand));
  return { title: legalTitles[doc], text, isDefault: configured === null, version: legalVersion(text) };
}

/**
 * A version is a short hash of the text itself: any change to the terms is a new version without anyone
 * having to remember to bump a number, and the version recorded at sign-up names exactly what was agreed.
 */
export function legalVersion(text: string) {
  return createHash("sha256").update(text.replace(/\r\n/g, "\n").trim(), "utf8").digest("hex").slice(0, 12);
}
