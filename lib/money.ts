/** Money is stored in minor units (cents). These currencies all have two decimals. */
export const currencies = ["USD", "EUR", "GBP", "CAD", "AUD"] as const;
export type Currency = (typeof currencies)[number];

/** "25", "25.5", "25.50" → 2550. Null when the text is not an amount. Negative amounts parse (callers explain). */
export function parseAmountToCents(text: string): number | null {
  const m = /^\s*(-)?(\d{1,7})(?:[.,](\d{1,2}))?\s*$/.exec(text);
  if (!m) return null;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? "0").padEnd(2, "0"));
  return m[1] ? -cents : cents;
}

export function centsToAmount(cents: number) {
  return (cents / 100).toFixed(2);
}

export function formatMoney(cents: number, currency: string, locale = "en-US") {
  return new Intl.NumberFormat(locale, { style: "currency", currency }).format(cents / 100);
}
