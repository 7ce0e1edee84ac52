import type { Metadata } from "next";
import Link from "next/link";
import { VerifyEmailForm } from "@/components/auth/verify-email-form";
import { safeCallbackPath } from "@/lib/auth/schemas";

export const metadata: Metadata = { title: "Confirm your email" };

/**
 * /verify-email?token=… – the welcome email's link. Opening it does nothing by itself (mail scanners open
 * links too, and would spend the single-use token); the button confirms and signs in.
 */
export default async function VerifyEmailPage({
  searchParams,
}: {
  searchParams: Promise<{ token?: string; callbackUrl?: string }>;
}) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackPath(sp.callbackUrl) ?? undefined;
  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-bold">Confirm your email</h1>
      <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        {typeof sp.token === "string" && sp.token ? (
          <VerifyEmailForm token={sp.token} callbackUrl={callbackUrl} />
        ) : (
          <p className="text-sm text-slate-700">
            This page needs the link from your email. Open it again from the email, or{" "}
            <Link href="/signin" className="font-medium text-brand underline">
              sign in
            </Link>{" "}
            and ask for a new one from your dashboard.
          </p>
        )}
      </div>
    </div>
  );
}
