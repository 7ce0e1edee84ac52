export default function Loading() {
  return (
    <p role="status" className="animate-pulse text-slate-500">
      Loading…
    </p>
  );
}
