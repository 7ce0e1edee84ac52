import Link from "next/link";
import { signOutAction } from "@/lib/auth/actions";
import type { Actor } from "@/lib/auth/permissions";
import type { Brand } from "@/lib/branding/theme";

/** The header; the layout (a route) reads who is signed in and passes them here. */
export function SiteHeader({ brand, user }: { brand: Brand; user: Pick<Actor, "name" | "role"> | null }) {
  return (
    <header className="border-b border-slate-200 bg-white">
      {/* One row down to 375 px: no wrapping labels, tighter gaps, and the brand's name only beside its mark from sm up. */}
      <nav
        aria-label="Main"
        className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-3 gap-y-2 whitespace-nowrap px-4 py-3 sm:gap-x-6"
        data-testid="site-nav"
      >
        <Link href="/" className="flex shrink-0 items-center gap-2 text-lg font-bold text-slate-900">
          {brand.logoUrl ? (
            // biome-ignore lint/performance/noImgElement: the brand logo is an operator-chosen URL
            <img src={brand.logoUrl} alt="" className="h-8 w-8 rounded" />
          ) : (
            <span aria-hidden className="h-8 w-8 rounded bg-brand" />
          )}
          <span className={user ? "sr-only sm:not-sr-only" : undefined}>{brand.name}</span>
        </Link>
        <Link href="/creators" className="text-sm font-medium text-slate-700 hover:text-slate-900">
          Creators
        </Link>
        <div className="ml-auto flex items-center gap-3 text-sm sm:gap-4">
          {user ? (
            <>
              {user.role === "admin" ? (
                <Link href="/admin" className="font-medium text-slate-700 hover:text-slate-900">
                  Admin
                </Link>
              ) : null}
              {user.role === "creator" ? (
                <Link href="/studio" className="font-medium text-slate-700 hover:text-slate-900">
                  Studio
                </Link>
              ) : null}
              <Link href="/dashboard" className="font-medium text-slate-700 hover:text-slate-900">
                My bookings
              </Link>
              <Link
                href="/account"
                className="hidden text-slate-500 hover:text-slate-900 sm:inline"
                data-testid="signed-in-as"
              >
                {user.name}
              </Link>
              <form action={signOutAction}>
                <button
                  type="submit"
                  className="rounded-md border border-slate-300 px-2 py-1.5 font-medium text-slate-700 hover:bg-slate-50 sm:px-3"
                >
                  Sign out
                </button>
              </form>
            </>
          ) : (
            <>
              <Link href="/signin" className="font-medium text-slate-700 hover:text-slate-900">
                Sign in
              </Link>
              <Link
                href="/signup"
                className="rounded-md bg-brand px-3 py-1.5 font-semibold text-on-brand hover:opacity-90"
              >
                Sign up
              </Link>
            </>
          )}
        </div>
      </nav>
    </header>
  );
}
