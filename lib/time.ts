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

/**
 * A zone as people say it, with the place its id names: "Eastern Time (New York)", "Japan Standard Time
 * (Tokyo)", "UTC". Zones without a name of their own get the place and the offset: "Kyiv time (GMT+2)".
 * Unknown ids come back as they are.
 */
export function timeZoneLabel(timeZone: string, at = new Date(), locale = "en-GB") {
  let name: string | undefined;
  try {
    name = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: "longGeneric" })
      .formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value;
  } catch {
    return timeZone;
  }
  if (timeZone === "UTC" || timeZone === "Etc/UTC") return "UTC";
  const place =
    timeZone.includes("/") && !timeZone.startsWith("Etc/")
      ? timeZone.slice(timeZone.lastIndexOf("/") + 1).replaceAll("_", " ")
      : null;
  if (!name || name.startsWith("GMT")) return place ? `${place} time (${name ?? timeZone})` : (name ?? timeZone);
  return place ? `${name} (${place})` : name;
}

/**
 * The zone to show a person's times in: their own setting (account settings) when it is a zone this
 * runtime knows, else `fallback` (the zone a booking was made in, or UTC).
 */
export function personalZone(own: string | null | undefined, fallback = "UTC") {
  return own && isValidTimeZone(own) ? own : isValidTimeZone(fallback) ? fallback : "UTC";
}
