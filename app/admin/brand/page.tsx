import type { Metadata } from "next";
import { BrandConsole, RestoreVersion } from "@/components/admin/brand-console";
import { Card } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { requirePageRole } from "@/lib/auth/session";
import { getBrandConsole } from "@/lib/branding/queries";
import { brandFieldLabels } from "@/lib/branding/schemas";

export const metadata: Metadata = { title: "Brand" };
export const dynamic = "force-dynamic";

const shown = (value: string | null) =>
  value === null ? "default" : value.length > 40 ? `${value.slice(0, 40).replace(/\s+/g, " ")}…` : value;

// /admin/brand – the branding console: the form, its live preview, and every saved version (admins only).
export default async function BrandPage() {
  const admin = await requirePageRole("/admin/brand", "admin");
  const { stored, brand, defaults, versions } = await getBrandConsole(admin);
  const current = versions[0]?.number;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Brand</h1>
        <p className="mt-1 text-slate-600">
          What people see on every page, email, receipt and room. Saving makes a new version and applies at once; any
          earlier version can be restored below.
        </p>
      </div>
      <BrandConsole
        defaults={{ name: defaults.name }}
        initial={{
          name: brand.name,
          logoKey: stored.logoKey ?? "",
          faviconKey: stored.faviconKey ?? "",
          logoUrl: stored.logoKey ? (brand.logoUrl ?? "") : "",
          primaryColor: brand.primaryColor,
          accentColor: brand.accentColor,
          roomTheme: brand.roomTheme,
          legalName: stored.legalName ?? "",
          supportEmail: stored.supportEmail ?? "",
          termsText: stored.termsText ?? "",
          privacyText: stored.privacyText ?? "",
          emailFooter: stored.emailFooter ?? "",
          statementDescriptorSuffix: stored.statementDescriptorSuffix ?? "",
        }}
      />
      <Card title="Versions">
        {versions.length === 0 ? (
          <p className="text-sm text-slate-600">No saves yet: the brand comes from the deployment's defaults.</p>
        ) : (
          <ol className="divide-y divide-slate-100 text-sm" data-testid="brand-versions">
            {versions.map((v) => (
              <li
                key={v.id}
                className="flex flex-wrap items-start justify-between gap-3 py-3"
                data-testid="brand-version"
              >
                <div className="min-w-0">
                  <p className="font-medium">
                    Version {v.number}
                    {v.number === current ? " (in force)" : ""} · <LocalTime iso={v.createdAt.toISOString()} /> ·{" "}
                    {v.actorEmail ?? "before the first save"}
                    {v.restoredFromNumber ? ` · restored version ${v.restoredFromNumber}` : ""}
                  </p>
                  {v.changes.length ? (
                    <ul className="mt-1 text-xs text-slate-600">
                      {v.changes.map((c) => (
                        <li key={c.field}>
                          {brandFieldLabels[c.field] ?? c.field}: {shown(c.before)} → {shown(c.after)}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <p className="mt-1 text-xs text-slate-600">The settings in force before the first save.</p>
                  )}
                </div>
                {v.number === current ? null : <RestoreVersion versionId={v.id} number={v.number} />}
              </li>
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}
