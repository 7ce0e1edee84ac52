import { contrastRatio, readableOn } from "./theme";

/**
 * The console's contrast check (pure; WCAG 2.x). Text on a brand colour is white or near-black, whichever
 * reads better (readableOn); a colour passes when that text reaches AA for body text (4.5:1). For a
 * colour that fails, the nearest passing shade keeps its hue and saturation and moves its lightness the
 * least it must.
 */
export const AA_BODY_TEXT = 4.5;

export type ContrastResult = { color: string; text: string; ratio: number; passes: boolean };

export function isHexColor(value: string): boolean {
  return /^#[0-9a-fA-F]{6}$/.test(value);
}

export function checkContrast(color: string): ContrastResult {
  const text = readableOn(color);
  const ratio = contrastRatio(color, text);
  return { color, text, ratio, passes: ratio >= AA_BODY_TEXT };
}

/** "4.52:1", rounded down so a shown pass is never a rounding artefact. */
export function formatRatio(ratio: number): string {
  return `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`;
}

type Hsl = { h: number; s: number; l: number };

function toHsl(hex: string): Hsl {
  const n = Number.parseInt(hex.slice(1), 16);
  const r = ((n >> 16) & 255) / 255;
  const g = ((n >> 8) & 255) / 255;
  const b = (n & 255) / 255;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return { h: 0, s: 0, l };
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { h: h / 6, s, l };
}

function hue(p: number, q: number, t0: number) {
  const t = t0 < 0 ? t0 + 1 : t0 > 1 ? t0 - 1 : t0;
  if (t < 1 / 6) return p + (q - p) * 6 * t;
  if (t < 1 / 2) return q;
  if (t < 2 / 3) return p + (q - p) * (2 / 3 - t) * 6;
  return p;
}

function toHex({ h, s, l }: Hsl): string {
  let r = l;
  let g = l;
  let b = l;
  if (s !== 0) {
    const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
    const p = 2 * l - q;
    r = hue(p, q, h + 1 / 3);
    g = hue(p, q, h);
    b = hue(p, q, h - 1 / 3);
  }
  const byte = (x: number) =>
    Math.round(Math.min(1, Math.max(0, x)) * 255)
      .toString(16)
      .padStart(2, "0");
  return `#${byte(r)}${byte(g)}${byte(b)}`;
}

/**
 * The passing colour closest in lightness to `color` (itself when it passes): tries lightness one
 * step (0.5 %) at a time, darker and lighter alike, and returns the first that passes.
 */
export function nearestPassingShade(color: string): string {
  const start = color.toLowerCase();
  if (checkContrast(start).passes) return start;
  const hsl = toHsl(start);
  for (let step = 1; step <= 200; step++) {
    for (const l of [hsl.l - step / 200, hsl.l + step / 200]) {
      if (l < 0 || l > 1) continue;
      const candidate = toHex({ ...hsl, l });
      if (checkContrast(candidate).passes) return candidate;
    }
  }
  return "#000000"; // unreachable: black with white text is 21:1
}

export const brandColorFields = { primaryColor: "Primary colour", accentColor: "Accent colour" } as const;
export type BrandColorField = keyof typeof brandColorFields;

/** Field errors for every brand colour whose text falls below AA, each naming the nearest passing shade. */
export function contrastErrors(colors: Record<BrandColorField, string>): Record<string, string[]> | null {
  const errors: Record<string, string[]> = {};
  for (const field of Object.keys(brandColorFields) as BrandColorField[]) {
    const c = checkContrast(colors[field]);
    if (!c.passes)
      errors[field] = [
        `Text on ${c.color} has a contrast of ${formatRatio(c.ratio)}, below the ${AA_BODY_TEXT}:1 that body text needs (WCAG AA). The nearest shade that passes is ${nearestPassingShade(c.color)}.`,
      ];
  }
  return Object.keys(errors).length ? errors : null;
}
