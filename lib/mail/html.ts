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

export function textToHtml(text: string, subject: string): string {
  const paragraphs = text
    .split(/\n{2,}/)
    .map((p) => `<p>${linkify(escapeHtml(p)).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
  return [
    "<!doctype html>",
    '<html><head><meta charset="utf-8">',
    `<title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:system-ui,-apple-system,Segoe UI,sans-serif;line-height:1.5;color:#111827;max-width:40em">',
    paragraphs,
    "</body></html>",
  ].join("\n");
}
