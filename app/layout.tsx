import type { Metadata, Viewport } from "next";
import { headers } from "next/headers";
import { BrandProvider } from "@/components/site/brand-context";
import { SiteFooter } from "@/components/site/footer";
import { SiteHeader } from "@/components/site/header";
import { PersonalZoneProvider } from "@/components/ui/personal-zone";
import { getCurrentUser } from "@/lib/auth/session";
import { getBrand } from "@/lib/branding/queries";
import { brandStyleSheet } from "@/lib/branding/theme";
import { outboxEnabled } from "@/lib/mail/service";
import { personalZone } from "@/lib/time";
import "./globals.css";

export async function generateMetadata(): Promise<Metadata> {
  const brand = await getBrand();
  return {
    metadataBase: new URL(brand.url),
    title: { default: brand.name, template: `%s · ${brand.name}` },
    description: `${brand.name}: private video sessions and live rooms with creators.`,
    // The favicon made from the uploaded logo, else the logo URL, else the neutral default.
    icons: { icon: brand.faviconUrl ?? brand.logoUrl ?? "/favicon.svg" },
    // app/opengraph-image.tsx draws the social preview from the brand on each request.
    openGraph: { siteName: brand.name, title: brand.name },
  };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const brand = await getBrand();
  // proxy.ts's per-request CSP nonce: the CSP allows no style attributes, only nonce'd <style>.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  const user = await getCurrentUser();
  return (
    <html lang="en" data-room-theme={brand.roomTheme}>
      <head>
        <style nonce={nonce}>{brandStyleSheet(brand)}</style>
      </head>
      <body className="flex min-h-screen flex-col bg-slate-50 font-sans text-slate-900 antialiased">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2"
        >
          Skip to content
        </a>
        <SiteHeader brand={brand} user={user} />
        <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-8">
          {/* For the client-only error page (app/error.tsx), which cannot read the brand itself. Times on every
              page follow the person's own zone when they chose one (components/ui/local-time.tsx). */}
          <BrandProvider brand={{ name: brand.name, supportEmail: brand.supportEmail }}>
            <PersonalZoneProvider zone={user?.timeZone ? personalZone(user.timeZone) : null}>
              {children}
            </PersonalZoneProvider>
          </BrandProvider>
        </main>
        <SiteFooter brand={brand} outbox={outboxEnabled()} />
      </body>
    </html>
  );
}
