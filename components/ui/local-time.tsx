"use client";
import { useEffect, useState } from "react";
import { formatDateTime } from "@/lib/time";
import { usePersonalZone } from "./personal-zone";

/**
 * A moment in the reader's time zone, with the zone named: the signed-in person's own zone from account
 * settings when they chose one (rendered so on the server too), else the browser's. Without a chosen
 * zone the server renders UTC (it cannot know the browser's) and the browser re-renders it locally.
 */
export function LocalTime({ iso }: { iso: string }) {
  const own = usePersonalZone();
  const [browserZone, setBrowserZone] = useState("UTC");
  useEffect(() => setBrowserZone(Intl.DateTimeFormat().resolvedOptions().timeZone), []);
  // The browser's ICU may word a zone differently from Node's; the local render replaces it anyway.
  return (
    <time dateTime={iso} suppressHydrationWarning data-zone={own ?? browserZone}>
      {formatDateTime(new Date(iso), own ?? browserZone)}
    </time>
  );
}
