/**
 * The HTML part of every email, made from its plain text (the text is what Booth writes; the HTML is the
 * same words for clients that prefer HTML): escaped, paragraphs and line breaks kept, web addresses made
 * links. Pure.
 */
const escapeHtml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** Links for http(s) addresses in already-escaped text; punctuation that ends a sentence stays outside. */
function linkify(escaped: string) {
  return escaped.replace(/https?:\/\/[^\s<]+/g, (match) => {
    const url = match.replace(/[).,;:!?]+$/, "");
    const rest = match.slice(url.length);
    return `<a href="${url}">${url}</a>${rest}`;
  });
}

/** The brand as an email shows it (absolute logo URL: the message is read outside the site). */
export type EmailBrand = {
  name: string;
  logoUrl: string | null;
  primaryColor: string;
  legalName: string;
  supportEmail: string | null;
  footer: string | null;
};

/** The footer lines every email ends with: the operator's own footer, or who sent it and where to write. */
export function emailFooterText(brand: EmailBrand): string {
  const lines = [brand.footer?.trim() || `Sent by ${brand.legalName}.`];
  if (brand.supportEmail) lines.push(`Questions? Write to ${brand.supportEmail}.`);
  return lines.join("\n");
}

/** The plain-text part: the text, then the brand's footer. */
export function textWithFooter(text: string, brand: EmailBrand): string {
  return `${text.trimEnd()}\n\n--\n${emailFooterText(brand)}\n`;
}

const safeColor = (c: string) => (/^#[0-9a-fA-F]{6}$/.test(c) ? c : "#111827");

function paragraphsOf(text: string) {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${linkify(escapeHtml(p)).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
}

export function textToHtml(text: string, subject: string, brand?: EmailBrand): string {
  const header = brand
    ? brand.logoUrl && /^https?:\/\//.test(brand.logoUrl)
      ? `<div style="border-bottom:3px solid ${safeColor(brand.primaryColor)};padding-bottom:12px;margin-bottom:16px"><img src="${escapeHtml(brand.logoUrl)}" alt="${escapeHtml(brand.name)}" height="48" style="height:48px;max-width:240px"></div>`
      : `<div style="border-bottom:3px solid ${safeColor(brand.primaryColor)};padding-bottom:12px;margin-bottom:16px;font-size:20px;font-weight:700">${escapeHtml(brand.name)}</div>`
    : "";
  const footer = brand
    ? `<hr style="border:none;border-top:1px solid #e5e7eb;margin-top:24px">\n<div style="font-size:12px;color:#4b5563">${paragraphsOf(emailFooterText(brand))}</div>`
    : "";
  return [
    "<!doctype html>",
    '<html><head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;line-height:1.5;color:#111827;max-width:40em">',
    header,
    paragraphsOf(text),
    footer,
    "</body></html>",
  ]
    .filter(Boolean)
    .join("\n");
}
