"use client";
import { useClientBrand } from "@/components/site/brand-context";

export default function ErrorPage({ reset }: { error: Error; reset: () => void }) {
  const brand = useClientBrand();
  return (
    <div className="mx-auto max-w-md text-center" role="alert">
      <h1 className="text-2xl font-bold">Something went wrong on our side</h1>
      <p className="mt-2 text-slate-600">
        It's not something you did. Try again; if it keeps happening, contact{" "}
        {brand?.supportEmail ? (
          <a className="underline" href={`mailto:${brand.supportEmail}`}>
            {brand.name} support at {brand.supportEmail}
          </a>
        ) : (
          `${brand?.name ?? "our"} support`
        )}
        .
      </p>
      <button type="button" onClick={reset} className="mt-6 rounded-md bg-brand px-4 py-2 font-semibold text-on-brand">
        Try again
      </button>
    </div>
  );
}
