import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AddHostForm, CreateBrandForm, RemoveHostForm } from "@/components/admin/brands-forms";
import { Card } from "@/components/ui/card";
import { isPlatformAdmin } from "@/lib/auth/permissions";
import { requirePageRole } from "@/lib/auth/session";
import { listBrands } from "@/lib/branding/brands";

export const metadata: Metadata = { title: "Brands" };
export const dynamic = "force-dynamic";

// /admin/brands – every brand of this deployment, its hosts and accounts; creating brands (platform admins only).
export default async function BrandsPage() {
  const admin = await requirePageRole("/admin/brands", "admin");
  if (!isPlatformAdmin(admin)) notFound();
  const brands = await listBrands(admin);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Brands</h1>
        <p className="mt-1 text-slate-600">
          Each brand is served on its own hosts, with its own look, accounts, creators, sessions and money. Its admins
          see only their brand; you see them all. Any host not listed here gets the default brand.
        </p>
      </div>
      <ul className="space-y-4" data-testid="brands">
        {brands.map((b) => (
          <li key={b.id}>
            <Card title={`${b.name}${b.isDefault ? " (default)" : ""}`}>
              <dl className="grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
                <dt className="text-slate-600">Short name</dt>
                <dd>{b.slug}</dd>
                <dt className="text-slate-600">Address</dt>
                <dd>{b.url}</dd>
                <dt className="text-slate-600">Accounts</dt>
                <dd>{b.accounts}</dd>
                <dt className="text-slate-600">Hosts</dt>
                <dd>
                  {b.hosts.length ? (
                    <ul className="space-y-1">
                      {b.hosts.map((h) => (
                        <li key={h} className="flex flex-wrap items-center gap-3">
                          <span className="font-mono">{h}</span>
                          <RemoveHostForm brandId={b.id} host={h} />
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span>{b.isDefault ? "Every host not listed for another brand" : "None: add one"}</span>
                  )}
                </dd>
              </dl>
              <div className="mt-3">
                <AddHostForm brandId={b.id} brandName={b.name} />
              </div>
            </Card>
          </li>
        ))}
      </ul>
      <Card title="New brand">
        <CreateBrandForm />
      </Card>
    </div>
  );
}
