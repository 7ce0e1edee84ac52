/** True for any IANA time zone name this runtime knows ("Europe/Berlin", "UTC", …). */
export function isValidTimeZone(tz: string) {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The zone's canonical spelling ("europe/berlin" → "Europe/Berlin"); the input when unknown. */
export function canonicalTimeZone(tz: string) {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return tz;
  }
}

/** The zones offered in pickers. */
export function timeZoneOptions(): string[] {
  return Intl.supportedValuesOf("timeZone");
}

/** "Sun, 29 Mar 2026, 14:00 CEST" in `timeZone`, always with the zone shown. */
export function formatDateTime(date: Date, timeZone: string, locale = "en-GB") {
  return new Intl.DateTimeFormat(locale, {
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone,
    timeZoneName: "short",
  }).format(date);
}
