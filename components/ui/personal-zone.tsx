"use client";
import { createContext, useContext } from "react";

/** The signed-in person's own time zone (account settings), or null: then times follow the browser. */
const PersonalZone = createContext<string | null>(null);

export function PersonalZoneProvider({ zone, children }: { zone: string | null; children: React.ReactNode }) {
  return <PersonalZone.Provider value={zone}>{children}</PersonalZone.Provider>;
}

export function usePersonalZone() {
  return useContext(PersonalZone);
}
