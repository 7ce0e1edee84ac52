import Link from "next/link";
import type { Brand } from "@/lib/branding/theme";

export function SiteFooter({ brand, outbox = false }: { brand: Brand; outbox?: boolean }) {
  return (
    <footer className="border-t border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-4 px-4 py-6 text-sm text-slate-600">
        <span>
          © {new Date().getFullYear()} {brand.legalName}
        </span>
        <Link href="/legal/terms" className="hover:text-slate-900">
          Terms
        </Link>
        <Link href="/legal/privacy" className="hover:text-slate-900">
          Privacy
        </Link>
        {outbox ? (
          <Link href="/dev/outbox" className="hover:text-slate-900">
            Dev outbox
          </Link>
        ) : null}
        {brand.supportEmail ? (
          <a href={`mailto:${brand.supportEmail}`} className="hover:text-slate-900">
            {brand.supportEmail}
          </a>
        ) : null}
      </div>
    </footer>
  );
}
