import type { Metadata } from "next";
import { ConfirmTwoFactorForm, DisableTwoFactorForm, StartTwoFactorForm } from "@/components/account/two-factor-forms";
import { Card } from "@/components/ui/card";
import { safeCallbackPath } from "@/lib/auth/schemas";
import { requirePageUser } from "@/lib/auth/session";
import { getTwoFactorStatus } from "@/lib/auth/two-factor";
import { getBrand } from "@/lib/branding/queries";

export const metadata: Metadata = { title: "Two-step sign-in" };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<{ required?: string; next?: string }> };

// /account/two-factor – turn the TOTP second factor on (QR code or key, then a code) or off; admins must have it.
export default async function TwoFactorPage({ searchParams }: Props) {
  const user = await requirePageUser("/account/two-factor");
  const sp = await searchParams;
  const [status, brand] = await Promise.all([getTwoFactorStatus(user), getBrand()]);
  const next = safeCallbackPath(sp.next);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">Two-step sign-in</h1>
        <p className="text-slate-600">
          After your password, {brand.name} asks for a 6-digit code from an authenticator app on your phone (any app
          that reads TOTP codes). Someone who learns your password still cannot sign in.
        </p>
      </div>
      {status.required && !status.enabled ? (
        <p
          role="alert"
          className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="two-factor-required"
        >
          Admins need two-step sign-in. Set it up here before using the admin pages.
        </p>
      ) : null}
      {status.enabled ? (
        <Card title="Two-step sign-in is on">
          <p className="text-sm text-slate-600" data-testid="two-factor-on">
            You have {status.recoveryCodesLeft} unused recovery {status.recoveryCodesLeft === 1 ? "code" : "codes"}.
            {next ? (
              <>
                {" "}
                <a href={next} className="font-medium text-brand underline">
                  Continue
                </a>
              </>
            ) : null}
          </p>
          {status.required ? (
            <p className="mt-3 text-sm text-slate-600">Admins cannot turn it off.</p>
          ) : (
            <div className="mt-4">
              <DisableTwoFactorForm />
            </div>
          )}
        </Card>
      ) : status.pending ? (
        <Card title={`Add ${brand.name} to your authenticator app`}>
          <div className="flex flex-wrap gap-6">
            {/* biome-ignore lint/performance/noImgElement: a generated data URL, nothing for next/image to optimise */}
            <img
              src={status.pending.qrSvgDataUrl}
              alt="QR code to scan with your authenticator app"
              width={200}
              height={200}
              className="rounded border border-slate-200"
            />
            <div className="min-w-64 flex-1 space-y-3">
              <p className="text-sm text-slate-700">Scan the code with the app, or type this key into it:</p>
              <p className="font-mono text-sm tracking-wide" data-testid="totp-key">
                {status.pending.key}
              </p>
              <ConfirmTwoFactorForm />
            </div>
          </div>
          <div className="mt-4">
            <StartTwoFactorForm restart />
          </div>
        </Card>
      ) : (
        <Card title="Set up">
          <StartTwoFactorForm restart={false} />
        </Card>
      )}
    </div>
  );
}
