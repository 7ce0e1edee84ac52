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

/** The zones offered in pickers. */
export function timeZoneOptions(): string[] {
  return Intl.supportedValuesOf("timeZone");
}

/** "Mon, 3 Mar 2026, 14:00 CET" in `timeZone`, always with the zone shown. */
export function formatDateTime(date: Date, timeZone: string, locale = "en-GB") {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone, timeZoneName: "short" }).format(date);
}
