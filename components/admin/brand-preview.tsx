"use client";
import { useEffect, useRef } from "react";
import { readableOn } from "@/lib/branding/theme";
import { isHexColor } from "@/lib/branding/contrast";

export type PreviewBrand = {
  name: string;
  logoUrl: string | null;
  primaryColor: string;
  accentColor: string;
  roomTheme: "dark" | "light";
  legalName: string;
  supportEmail: string;
  emailFooter: string;
};

/**
 * The console's live preview: the landing header, a button, a creator card, the room toolbar and an
 * email, drawn with the colours being typed. The page's CSP allows no style attributes, so the colours
 * are set as custom properties through the CSSOM (which the CSP does not govern) on this box only.
 */
export function BrandPreview({ brand }: { brand: PreviewBrand }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const set = (name: string, color: string) => {
      if (!isHexColor(color)) return;
      el.style.setProperty(name, color);
      el.style.setProperty(`${name.replace("brand-", "brand-on-")}`, readableOn(color));
    };
    set("--brand-primary", brand.primaryColor);
    set("--brand-accent", brand.accentColor);
  }, [brand.primaryColor, brand.accentColor]);

  const name = brand.name.trim() || "Your platform";
  const legal = brand.legalName.trim() || name;
  return (
    <div
      ref={box}
      className="space-y-4"
      data-testid="brand-preview"
      data-room-theme={brand.roomTheme}
      data-primary={brand.primaryColor}
    >
      <p className="text-sm font-medium text-slate-600">Preview (not saved yet)</p>
      <div className="overflow-hidden rounded-lg border border-slate-200 bg-white">
        <div className="flex items-center gap-2 border-b border-slate-200 px-3 py-2">
          {brand.logoUrl ? (
            // biome-ignore lint/performance/noImgElement: the uploaded logo, served by the app itself
            <img src={brand.logoUrl} alt="" className="h-7 w-7 rounded object-contain" data-testid="preview-logo" />
          ) : (
            <span aria-hidden className="h-7 w-7 rounded bg-brand" />
          )}
          <span className="font-bold text-slate-900" data-testid="preview-name">
            {name}
          </span>
          <span className="ml-auto rounded-md bg-brand px-2 py-1 text-xs font-semibold text-on-brand">Sign up</span>
        </div>
        <div className="space-y-3 p-3">
          <button
            type="button"
            tabIndex={-1}
            className="rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand"
            data-testid="preview-button"
          >
            Book a session
          </button>
          <div className="flex items-center gap-3 rounded-xl border border-slate-200 p-3">
            <span
              aria-hidden
              className="inline-flex h-10 w-10 items-center justify-center rounded-full bg-accent font-bold text-on-accent"
            >
              M
            </span>
            <div>
              <p className="text-sm font-semibold text-slate-900">Maya, creator</p>
              <p className="text-xs text-slate-600">From $40.00 (USD)</p>
            </div>
          </div>
        </div>
      </div>
      <div className="room-surface rounded-lg bg-slate-950 p-3 text-slate-100" data-testid="preview-room">
        <p className="text-xs text-slate-300">Live room · {brand.roomTheme} theme</p>
        <div className="mt-2 aspect-video rounded bg-slate-800" />
        <div className="mt-2 flex flex-wrap justify-center gap-2 text-xs">
          <span className="rounded-full bg-slate-700 px-3 py-1">Mute</span>
          <span className="rounded-full bg-slate-700 px-3 py-1">Stop camera</span>
          <span className="rounded-full bg-brand px-3 py-1 font-semibold text-on-brand">Join</span>
        </div>
      </div>
      <div
        className="rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-800"
        data-testid="preview-email"
      >
        {brand.logoUrl ? (
          // biome-ignore lint/performance/noImgElement: the uploaded logo, served by the app itself
          <img src={brand.logoUrl} alt={name} className="mb-2 h-8 object-contain" />
        ) : (
          <p className="mb-2 font-bold">{name}</p>
        )}
        <p>Hello Sam, your session with Maya is booked.</p>
        <p className="mt-2 text-xs text-slate-500">
          {brand.emailFooter.trim() || `Sent by ${legal}`}
          {brand.supportEmail.trim() ? ` · ${brand.supportEmail.trim()}` : ""}
        </p>
      </div>
    </div>
  );
}
