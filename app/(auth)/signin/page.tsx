import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { endedMessages, messageFor, signInMessages } from "@/lib/auth/messages";
import { homeFor } from "@/lib/auth/permissions";
import { safeCallbackPath } from "@/lib/auth/schemas";
import { getCurrentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<{ callbackUrl?: string; reason?: string; code?: string; error?: string }> };

export default async function SignInPage({ searchParams }: Props) {
  const sp = await searchParams;
  const callbackUrl = safeCallbackPath(sp.callbackUrl) ?? undefined;
  const user = await getCurrentUser();
  if (user) redirect(callbackUrl ?? homeFor(user.role));
  // reason: we signed the user out (suspension); code: next-auth refused a sign-in posted to its own route.
  const notice =
    messageFor(endedMessages, sp.reason) ??
    (sp.error ? (messageFor(signInMessages, sp.code) ?? signInMessages.invalid) : null);
  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-bold">Sign in</h1>
      {notice ? (
        <p
          role="alert"
          className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900"
          data-testid="signin-notice"
        >
          {notice}
        </p>
      ) : null}
      <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <SignInForm callbackUrl={callbackUrl} />
      </div>
    </div>
  );
}
