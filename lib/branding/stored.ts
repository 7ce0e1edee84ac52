/** The stored brand settings (pure apart from types): the row id, and a row or a version as the settings it holds. */
import type { BrandSettings, Prisma } from "@/lib/generated/prisma/client";
import { brandSettingFields, type StoredBrandSettings } from "./schemas";

export function storedSettingsOf(row: Partial<BrandSettings> | null): StoredBrandSettings {
  const out = {} as StoredBrandSettings;
  for (const f of brandSettingFields) {
    const v = row?.[f];
    out[f] = typeof v === "string" && v !== "" ? v : null;
  }
  return out;
}

export function storedSettingsFromJson(json: Prisma.JsonValue): StoredBrandSettings {
  const obj = json && typeof json === "object" && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  const out = {} as StoredBrandSettings;
  for (const f of brandSettingFields) out[f] = typeof obj[f] === "string" && obj[f] !== "" ? (obj[f] as string) : null;
  return out;
}
