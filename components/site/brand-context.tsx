"use client";
import { createContext, useContext } from "react";

/** The little of the brand that client-only parts (the error page) show; the root layout provides it. */
export type ClientBrand = { name: string; supportEmail: string | null };

const BrandContext = createContext<ClientBrand | null>(null);

export function BrandProvider({ brand, children }: { brand: ClientBrand; children?: React.ReactNode }) {
  return <BrandContext value={brand}>{children}</BrandContext>;
}

export function useClientBrand(): ClientBrand | null {
  return useContext(BrandContext);
}
