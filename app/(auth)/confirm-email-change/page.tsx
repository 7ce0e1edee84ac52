import type { Metadata } from "next";
import { ConfirmEmailChangeForm } from "@/components/account/confirm-email-change-form";

export const metadata: Metadata = { title: "Confirm your new email address" };

// /confirm-email-change?token=… – the link sent to a new address; the button (not the visit) makes the change
export default async function ConfirmEmailChangePage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-bold">Confirm your new email address</h1>
      <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        {typeof token === "string" && token ? (
          <ConfirmEmailChangeForm token={token} />
        ) : (
          <p className="text-sm text-slate-700">This page needs the link from your email. Open it again from there.</p>
        )}
      </div>
    </div>
  );
}
