"use client";
import { useEffect, useState } from "react";
import { formatDateTime } from "@/lib/time";

/**
 * A moment in the reader's own time zone, with the zone named. The server renders it in UTC
 * (it cannot know the zone); the browser re-renders it locally once mounted.
 */
export function LocalTime({ iso }: { iso: string }) {
  const [zone, setZone] = useState("UTC");
  useEffect(() => setZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  // The browser's ICU may word a zone differently from Node's; the local render replaces it anyway.
  return (
    <time dateTime={iso} suppressHydrationWarning>
      {formatDateTime(new Date(iso), zone)}
    </time>
  );
}
