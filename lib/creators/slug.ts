/** "Zoë O'Neil!" → "zoe-oneil". Falls back to "creator" when nothing is left. */
export function slugify(text: string) {
  const s = text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/g, "");
  return s.length >= 3 ? s : `creator${s ? `-${s}` : ""}`;
}
