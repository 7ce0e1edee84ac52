import { brandAssetUrl } from "./assets-keys";

/** The brand every host not listed in brand_domains gets; its admins are the platform admins. */
export const DEFAULT_BRAND_ID = "default";

/** White-label brand: defaults from the environment, overridden by the brand_settings row. No I/O here. */
export type RoomTheme = "dark" | "light";

export type Brand = {
  /** The brand's id (brands.id; "default" for the one unknown hosts get). */
  id: string;
  /** Its public address, the base of the links in its emails and checkouts (no trailing slash). */
  url: string;
  name: string;
  /** The uploaded logo (served by /brand-assets/…), or BRAND_LOGO_URL. */
  logoUrl: string | null;
  /** The favicon derived from the uploaded logo; null: the logo URL or the neutral default. */
  faviconUrl: string | null;
  primaryColor: string;
  accentColor: string;
  roomTheme: RoomTheme;
  legalName: string;
  supportEmail: string | null;
  termsText: string | null;
  privacyText: string | null;
  emailFooter: string | null;
  statementDescriptorSuffix: string | null;
};

type BrandEnv = {
  APP_URL?: string;
  BRAND_NAME: string;
  BRAND_LOGO_URL?: string;
  BRAND_PRIMARY_COLOR: string;
  BRAND_ACCENT_COLOR: string;
  BRAND_LEGAL_NAME?: string;
  BRAND_SUPPORT_EMAIL?: string;
  BRAND_TERMS_TEXT?: string;
  BRAND_PRIVACY_TEXT?: string;
  BRAND_ROOM_THEME?: RoomTheme;
  BRAND_EMAIL_FOOTER?: string;
  BRAND_STATEMENT_DESCRIPTOR_SUFFIX?: string;
};

export function brandFromEnv(e: BrandEnv): Brand {
  return {
    id: DEFAULT_BRAND_ID,
    url: (e.APP_URL ?? "http://localhost:3000").replace(/\/+$/, ""),
    name: e.BRAND_NAME,
    logoUrl: e.BRAND_LOGO_URL || null,
    faviconUrl: null,
    primaryColor: e.BRAND_PRIMARY_COLOR,
    accentColor: e.BRAND_ACCENT_COLOR,
    roomTheme: e.BRAND_ROOM_THEME ?? "dark",
    legalName: e.BRAND_LEGAL_NAME ?? e.BRAND_NAME,
    supportEmail: e.BRAND_SUPPORT_EMAIL ?? null,
    termsText: e.BRAND_TERMS_TEXT ?? null,
    privacyText: e.BRAND_PRIVACY_TEXT ?? null,
    emailFooter: e.BRAND_EMAIL_FOOTER || null,
    statementDescriptorSuffix: e.BRAND_STATEMENT_DESCRIPTOR_SUFFIX || null,
  };
}

/** The columns of brand_settings this module reads (every one optional: null means "the default"). */
export type BrandRow = Partial<Record<Exclude<keyof Brand, "id" | "url"> | "logoKey" | "faviconKey", string | null>>;

/**
 * Non-empty values of the stored row win over the defaults. An uploaded logo (logoKey) wins over a
 * logo URL, and brings its derived favicon.
 */
export function mergeBrand(defaults: Brand, row: BrandRow | null): Brand {
  if (!row) return defaults;
  const out = { ...defaults };
  for (const key of Object.keys(defaults) as (keyof Brand)[]) {
    if (key === "id" || key === "url") continue;
    const v = row[key];
    if (typeof v === "string" && v.trim() !== "") (out as Record<string, unknown>)[key] = v;
  }
  if (out.roomTheme !== "dark" && out.roomTheme !== "light") out.roomTheme = defaults.roomTheme;
  const logo = row.logoKey ? brandAssetUrl(row.logoKey) : null;
  if (logo) out.logoUrl = logo;
  const icon = row.faviconKey ? brandAssetUrl(row.faviconKey) : null;
  if (icon) out.faviconUrl = icon;
  return out;
}

function channel(c: number) {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of "#rrggbb". */
export function luminance(hex: string) {
  const n = Number.parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
}

/** WCAG 2 contrast ratio, 1 to 21. AA needs 4.5 for body text. */
export function contrastRatio(a: string, b: string) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** White or near-black, whichever reads better on `background`. */
export function readableOn(background: string) {
  return contrastRatio(background, "#ffffff") >= contrastRatio(background, "#111827") ? "#ffffff" : "#111827";
}

/**
 * The brand's custom properties as a style sheet for a nonce'd <style> (the CSP allows no style
 * attributes). Only #rrggbb values are written, so nothing stored can break out of the rule.
 */
export function brandStyleSheet(brand: Brand): string {
  const declarations = Object.entries(brandCssVariables(brand))
    .filter(([, value]) => /^#[0-9a-fA-F]{6}$/.test(value))
    .map(([name, value]) => `${name}:${value}`);
  return `:root{${declarations.join(";")}}`;
}

/** The CSS custom properties the Tailwind theme reads (app/globals.css). */
export function brandCssVariables(brand: Brand): Record<string, string> {
  return {
    "--brand-primary": brand.primaryColor,
    "--brand-on-primary": readableOn(brand.primaryColor),
    "--brand-accent": brand.accentColor,
    "--brand-on-accent": readableOn(brand.accentColor),
  };
}
