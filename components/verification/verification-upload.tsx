"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FieldError } from "@/components/ui/form";

/** The creator's upload of an ID document and a selfie (multipart POST /api/verification). */
export function VerificationUpload({ maxMb }: { maxMb: number }) {
  const router = useRouter();
  const [state, setState] = useState<
    | { kind: "idle" | "busy" }
    | { kind: "error"; text: string; fields?: Record<string, string[]> }
    | { kind: "done"; text: string }
  >({ kind: "idle" });
  const submit = async (form: HTMLFormElement) => {
    setState({ kind: "busy" });
    const res = await fetch("/api/verification", { method: "POST", body: new FormData(form) });
    const body = (await res.json().catch(() => ({}))) as {
      message?: string;
      error?: string;
      fieldErrors?: Record<string, string[]>;
    };
    if (res.ok) {
      setState({ kind: "done", text: body.message ?? "Sent." });
      router.refresh();
    } else setState({ kind: "error", text: body.error ?? "Sending failed; try again.", fields: body.fieldErrors });
  };
  const fieldError = (name: string) => (state.kind === "error" ? state.fields?.[name]?.[0] : undefined);
  if (state.kind === "done")
    return (
      <p role="status" className="text-sm text-green-800">
        {state.text}
      </p>
    );
  return (
    <form
      className="space-y-3"
      aria-label="Send your documents"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(e.currentTarget);
      }}
    >
      {state.kind === "error" ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {state.text}
        </p>
      ) : null}
      <div>
        <label htmlFor="verification-document" className="block text-sm font-medium">
          Photo or scan of an official ID (passport, ID card, driving licence)
        </label>
        <input
          id="verification-document"
          name="document"
          type="file"
          accept="image/jpeg,image/png,application/pdf"
          required
          className="mt-1 block text-sm"
        />
        <FieldError message={fieldError("document")} />
      </div>
      <div>
        <label htmlFor="verification-selfie" className="block text-sm font-medium">
          A selfie holding the same ID
        </label>
        <input
          id="verification-selfie"
          name="selfie"
          type="file"
          accept="image/jpeg,image/png"
          required
          className="mt-1 block text-sm"
        />
        <FieldError message={fieldError("selfie")} />
      </div>
      <p className="text-xs text-slate-500">JPEG, PNG or PDF, up to {maxMb} MB each.</p>
      <button
        type="submit"
        disabled={state.kind === "busy"}
        className="rounded-md bg-brand px-4 py-2 text-sm font-semibold text-on-brand disabled:opacity-60"
      >
        {state.kind === "busy" ? "Sending…" : "Send for review"}
      </button>
    </form>
  );
}
