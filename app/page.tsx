import Link from "next/link";
import { getBrand } from "@/lib/branding/queries";
import { listPublishedCreators } from "@/lib/creators/queries";
import { CreatorCard } from "@/components/creators/creator-card";

export default async function LandingPage() {
  const brand = await getBrand();
  const creators = await listPublishedCreators(brand.id);
  return (
    <div className="space-y-12">
      <section className="rounded-2xl bg-brand px-6 py-14 text-on-brand sm:px-12">
        <h1 className="text-3xl font-bold sm:text-5xl">Meet your favourite creators, face to face.</h1>
        <p className="mt-4 max-w-2xl text-lg opacity-90">
          Book a private video session or grab a seat in a live room on {brand.name}. Pay once, join from your browser,
          no app to install.
        </p>
        <div className="mt-8 flex flex-wrap gap-3">
          <Link
            href="/creators"
            className="rounded-md bg-white px-5 py-3 font-semibold text-slate-900 hover:bg-slate-100"
          >
            Browse creators
          </Link>
          <Link href="/signup" className="rounded-md border border-current px-5 py-3 font-semibold hover:opacity-90">
            Create an account
          </Link>
        </div>
      </section>
      <section>
        <h2 className="text-xl font-semibold">Featured creators</h2>
        {creators.length ? (
          <ul className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {creators.slice(0, 6).map((c) => (
              <li key={c.slug}>
                <CreatorCard creator={c} />
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-4 text-slate-600">No creators have published a profile yet. Check back soon.</p>
        )}
      </section>
      <section className="grid gap-6 sm:grid-cols-3">
        {[
          ["Pick a time", "See open times in your own time zone."],
          ["Pay securely", "Card payments through Stripe. You're only charged once."],
          ["Join in the browser", "A device check first, then you're live within seconds."],
        ].map(([title, text]) => (
          <div key={title} className="rounded-xl border border-slate-200 bg-white p-5">
            <h3 className="font-semibold">{title}</h3>
            <p className="mt-1 text-sm text-slate-600">{text}</p>
          </div>
        ))}
      </section>
    </div>
  );
}
