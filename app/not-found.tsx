import Link from "next/link";
import { getBrand } from "@/lib/branding/queries";

export default async function NotFound() {
  const brand = await getBrand();
  return (
    <div className="mx-auto max-w-md text-center">
      <h1 className="text-2xl font-bold">We couldn't find that page</h1>
      <p className="mt-2 text-slate-600">The link may be old, or the profile may no longer be public.</p>
      <Link href="/creators" className="mt-6 inline-block font-medium text-brand underline">
        Browse creators on {brand.name}
      </Link>
      {brand.supportEmail ? (
        <p className="mt-4 text-sm text-slate-600">
          Still stuck? Write to{" "}
          <a className="underline" href={`mailto:${brand.supportEmail}`}>
            {brand.supportEmail}
          </a>
          .
        </p>
      ) : null}
    </div>
  );
}
