import Link from "next/link";
import { formatMoney } from "@/lib/money";

type Props = {
  creator: {
    slug: string;
    displayName: string;
    bio: string;
    avatarUrl: string | null;
    offeringCount: number;
    /** The cheapest offering in each currency the creator sells in. */
    prices: { priceCents: number; currency: string }[];
  };
};

export function CreatorCard({ creator }: Props) {
  return (
    <Link
      href={`/creators/${creator.slug}`}
      className="block h-full rounded-xl border border-slate-200 bg-white p-5 shadow-sm hover:border-brand"
    >
      <div className="flex items-center gap-3">
        <Avatar name={creator.displayName} url={creator.avatarUrl} />
        <div>
          <p className="font-semibold text-slate-900">{creator.displayName}</p>
          <p className="text-sm text-slate-600" data-testid="creator-from">
            {creator.prices.length
              ? `From ${creator.prices.map((p) => `${formatMoney(p.priceCents, p.currency)} (${p.currency})`).join(" or ")}`
              : "No offerings yet"}
          </p>
        </div>
      </div>
      {creator.bio ? <p className="mt-3 line-clamp-3 text-sm text-slate-700">{creator.bio}</p> : null}
    </Link>
  );
}

export function Avatar({ name, url, size = "md" }: { name: string; url: string | null; size?: "md" | "lg" }) {
  const cls = size === "lg" ? "h-20 w-20 text-2xl" : "h-12 w-12 text-lg";
  // biome-ignore lint/performance/noImgElement: avatars are any https URL a creator gives; next/image needs fixed hosts
  if (url) return <img src={url} alt="" className={`${cls} rounded-full object-cover`} />;
  return (
    <span
      aria-hidden
      className={`${cls} inline-flex items-center justify-center rounded-full bg-accent font-bold text-on-accent`}
    >
      {name.slice(0, 1).toUpperCase()}
    </span>
  );
}
