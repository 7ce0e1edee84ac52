import type { Metadata } from "next";
import Link from "next/link";
import { ResetPasswordForm } from "@/components/auth/reset-password-form";

export const metadata: Metadata = { title: "Choose a new password" };

// /reset-password?token=… – the emailed link: choose a new password (the token is checked when the form is sent)
export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-bold">Choose a new password</h1>
      <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        {typeof token === "string" && token ? (
          <ResetPasswordForm token={token} />
        ) : (
          <p className="text-sm text-slate-700">
            This page needs the link from your email. Open it again from the email, or{" "}
            <Link href="/forgot-password" className="font-medium text-brand underline">
              ask for a new link
            </Link>
            .
          </p>
        )}
      </div>
    </div>
  );
}
