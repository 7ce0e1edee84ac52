import type { Metadata } from "next";
import { CreatorCard } from "@/components/creators/creator-card";
import { EmptyState } from "@/components/ui/card";
import { getRequestBrandId } from "@/lib/branding/queries";
import { getCreatorDirectory } from "@/lib/creators/queries";

export const metadata: Metadata = { title: "Creators" };

export default async function CreatorsPage() {
  const { creators, currencies } = await getCreatorDirectory(await getRequestBrandId());
  return (
    <div>
      <h1 className="text-2xl font-bold">Creators</h1>
      <p className="mt-1 text-slate-600">Book a private session or join a live room.</p>
      {currencies.length > 1 ? (
        <p className="mt-1 text-sm text-slate-600" data-testid="currency-note">
          Prices are in each creator's own currency ({currencies.join(", ")}); your card's bank converts when you pay.
        </p>
      ) : null}
      {creators.length ? (
        <ul className="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {creators.map((c) => (
            <li key={c.slug}>
              <CreatorCard creator={c} />
            </li>
          ))}
        </ul>
      ) : (
        <div className="mt-6">
          <EmptyState title="No creators yet">Creators appear here once they publish their profile.</EmptyState>
        </div>
      )}
    </div>
  );
}
