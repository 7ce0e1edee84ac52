/**
 * Same-origin rule for state-changing requests (defence in depth beside SameSite cookies and JSON-only
 * bodies). Pure, so it is unit-tested without a server.
 *
 * A browser names the page that sent a request in `Origin` (every POST, PUT, PATCH and DELETE since
 * 2020), or at least says `Sec-Fetch-Site: cross-site`. A request is refused when it names another
 * origin, `null` (a sandboxed frame, a data: page), or is marked cross-site. A request with neither
 * header is not from a current browser (curl, a server, Booth's own tests) and carries no ambient
 * cookie risk, so it is let through to the usual checks.
 */
export function isCrossOriginRequest(headers: Headers, appUrl: string): boolean {
  const origin = headers.get("origin");
  if (origin === null) return headers.get("sec-fetch-site") === "cross-site";
  if (origin === "null") return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return true;
  }
  if (url.origin === new URL(appUrl).origin) return false;
  // The host the browser addressed: the same app reached by another name (127.0.0.1 for localhost, a
  // preview URL). A page on another host cannot make the browser send this Host with its own Origin.
  const host = headers.get("host");
  return !host || url.host !== host;
}
