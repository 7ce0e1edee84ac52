import Link from "next/link";

export default function NotFound() {
  return (
    <div className="mx-auto max-w-md text-center">
      <h1 className="text-2xl font-bold">We couldn't find that page</h1>
      <p className="mt-2 text-slate-600">The link may be old, or the profile may no longer be public.</p>
      <Link href="/creators" className="mt-6 inline-block font-medium text-brand underline">
        Browse creators
      </Link>
    </div>
  );
}
