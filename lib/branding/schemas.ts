import { z } from "zod";
import { multiLine, singleLine } from "@/lib/schemas/text";
import { emailField } from "@/lib/auth/schemas";
import { isBrandAssetKey } from "./assets-keys";
import { normalizeHost } from "./host";

/**
 * What the brand console (/admin/brand) saves. Pure: the console's client component validates with the
 * same schema. An empty optional field means "use the default" (the BRAND_* variable) and is stored as null.
 */
const optional = <T extends z.ZodType<string | null>>(inner: T) =>
  z.preprocess((v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? null : v), inner.nullable());

const hex = z
  .string()
  .trim()
  .regex(/^#[0-9a-fA-F]{6}$/, "Pick a colour like #4f46e5.")
  .transform((s) => s.toLowerCase());

/** Stripe's rules for a statement descriptor suffix: Latin letters, digits and spaces, at least one letter, 22 at most. */
const descriptorSuffix = singleLine()
  .trim()
  .max(22, "At most 22 characters (Stripe's limit).")
  .regex(/^[A-Za-z0-9 .-]*$/, "Only letters, digits, spaces, dots and dashes (card statements show little else).")
  .regex(/[A-Za-z]/, "Include at least one letter.");

export const brandSettingsInput = z.object({
  name: singleLine().trim().min(1, "Give the platform a name.").max(60, "At most 60 characters."),
  logoKey: optional(
    z.string().refine((k) => isBrandAssetKey(k, "logo"), "Upload the logo again: this is not one of ours."),
  ),
  faviconKey: optional(
    z.string().refine((k) => isBrandAssetKey(k, "icon"), "Upload the logo again: this is not one of ours."),
  ),
  primaryColor: hex,
  accentColor: hex,
  roomTheme: z.enum(["dark", "light"], "Pick dark or light."),
  legalName: optional(singleLine().trim().max(120, "At most 120 characters.")),
  supportEmail: optional(z.email("Enter an email address like help@example.com.").max(254)),
  termsText: optional(multiLine().max(50_000, "At most 50,000 characters.")),
  privacyText: optional(multiLine().max(50_000, "At most 50,000 characters.")),
  emailFooter: optional(multiLine().max(500, "At most 500 characters.")),
  statementDescriptorSuffix: optional(descriptorSuffix),
});

export type BrandSettingsInput = z.infer<typeof brandSettingsInput>;

/** The stored settings a version keeps, in the order the console lists them. */
export const brandSettingFields = [
  "name",
  "logoKey",
  "faviconKey",
  "primaryColor",
  "accentColor",
  "roomTheme",
  "legalName",
  "supportEmail",
  "termsText",
  "privacyText",
  "emailFooter",
  "statementDescriptorSuffix",
] as const satisfies readonly (keyof BrandSettingsInput)[];

export type BrandSettingField = (typeof brandSettingFields)[number];

export const brandFieldLabels: Record<BrandSettingField, string> = {
  name: "Name",
  logoKey: "Logo",
  faviconKey: "Favicon",
  primaryColor: "Primary colour",
  accentColor: "Accent colour",
  roomTheme: "Room theme",
  legalName: "Legal name",
  supportEmail: "Support email",
  termsText: "Terms",
  privacyText: "Privacy policy",
  emailFooter: "Email footer",
  statementDescriptorSuffix: "Statement descriptor suffix",
};

export type StoredBrandSettings = Record<BrandSettingField, string | null>;

export type BrandChange = { field: BrandSettingField; before: string | null; after: string | null };

/** What differs between two stored settings, field by field. Pure. */
export function diffBrandSettings(before: StoredBrandSettings, after: StoredBrandSettings): BrandChange[] {
  return brandSettingFields
    .filter((f) => (before[f] ?? null) !== (after[f] ?? null))
    .map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
}

export const restoreVersionInput = z.object({ versionId: singleLine().trim().min(1).max(64) });

/** A host a brand is served on, as brand_domains keeps it (lib/branding/host.ts normalises it). */
const hostField = singleLine()
  .trim()
  .transform((s, ctx) => {
    const host = normalizeHost(s);
    if (!host?.includes(".")) {
      ctx.addIssue({ code: "custom", message: "Enter a host name like live.example.com (no https://, no path)." });
      return z.NEVER;
    }
    return host;
  });

/** What a platform admin gives to create a brand (/admin/brands). */
export const createBrandInput = z.object({
  slug: singleLine()
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/,
      "Use 1–40 lower-case letters, digits and dashes, like agency-live.",
    ),
  name: singleLine().trim().min(1, "Give the brand a name.").max(60, "At most 60 characters."),
  /** The brand's public address; its host is the brand's first host (more can be added). */
  url: z
    .url({ protocol: /^https?$/, message: "Enter the brand's address, like https://live.example.com." })
    .transform((u) => new URL(u).origin)
    .refine((u) => normalizeHost(new URL(u).host) !== null, "Enter the brand's address, like https://live.example.com.")
    // Sign-in, reset and invite links travel to it: https in production.
    .refine(
      (u) => process.env.NODE_ENV !== "production" || u.startsWith("https://"),
      "Use an https:// address: sign-in and reset links go to it.",
    ),
  adminName: singleLine().trim().min(1, "Name the brand's first admin.").max(100, "At most 100 characters."),
  adminEmail: emailField,
});

/** A host to add to a brand, or to take off one. */
export const brandDomainInput = z.object({ brandId: z.string().min(1).max(64), host: hostField });
