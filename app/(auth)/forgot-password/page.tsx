import type { Metadata } from "next";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";

export const metadata: Metadata = { title: "Forgot your password?" };

// /forgot-password – ask for a reset link by email (the same answer whether or not the address has an account)
export default function ForgotPasswordPage() {
  return (
    <div className="mx-auto max-w-md">
      <h1 className="text-2xl font-bold">Forgot your password?</h1>
      <p className="mt-1 text-slate-600">Enter your email address and we'll send you a link to choose a new one.</p>
      <div className="mt-6 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <ForgotPasswordForm />
      </div>
    </div>
  );
}
