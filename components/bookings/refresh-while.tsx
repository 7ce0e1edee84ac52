"use client";
import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Re-reads the page from the server every `everyMs` while `active` (the webhook decides; we only look). */
export function RefreshWhile({ active, everyMs = 1500 }: { active: boolean; everyMs?: number }) {
  const router = useRouter();
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(t);
  }, [active, everyMs, router]);
  return null;
}
