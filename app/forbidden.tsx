import Link from "next/link";

export default function Forbidden() {
  return (
    <div className="mx-auto max-w-md text-center">
      <h1 className="text-2xl font-bold">You don't have access to this page</h1>
      <p className="mt-2 text-slate-600">
        It belongs to another role. If you think you should have access, contact support.
      </p>
      <Link href="/dashboard" className="mt-6 inline-block font-medium text-brand underline">
        Go to my bookings
      </Link>
    </div>
  );
}
