/**
 * The security headers of every page and route, built per request by proxy.ts. Pure (no env import),
 * so each rule is unit-tested; proxy.ts passes the environment in.
 */

export type HeaderContext = {
  /** Fresh for each request: Next.js stamps it on its own <script> tags (it reads it from the CSP). */
  nonce: string;
  pathname: string;
  /** Where browsers reach livekit-server (LIVEKIT_PUBLIC_URL ?? LIVEKIT_URL). */
  livekitUrl: string;
  appUrl: string;
  nodeEnv: "development" | "test" | "production";
};

/**
 * The room pages (a private session's, a show's; and npm run bench:join's reference room, which answers
 * 404 outside benches), the only pages that may use the camera and microphone (and the screen).
 */
export function isRoomPage(pathname: string) {
  return (
    /^\/sessions\/[^/]+\/?$/.test(pathname) ||
    /^\/shows\/[^/]+\/room\/?$/.test(pathname) ||
    /^\/dev\/reference-room\/?$/.test(pathname)
  );
}

/** The LiveKit server's origin in its websocket and http forms: signalling, and the reason a join failed. */
export function livekitSources(url: string): string[] {
  try {
    const u = new URL(url);
    return ["ws:", "wss:", "http:", "https:"].map((scheme) => `${scheme}//${u.host}`);
  } catch {
    return [];
  }
}

/**
 * - scripts: only Next.js's own, by nonce ('strict-dynamic' lets them load their chunks); no inline
 *   handlers, no eval outside `next dev` (React's dev tools need it).
 * - styles: our stylesheet and nonce'd <style> only. No 'unsafe-inline', so an injected style
 *   attribute or <style> (CSS can read and leak a page's content) does nothing; for that the app renders
 *   no style attributes (the brand colours come in a nonce'd <style>, mirrored video uses a class).
 *   Styles set from JavaScript (CSSOM, as React does on the client) are not affected by CSP.
 * - images: any https URL, since creators' avatars and the operator's logo are URLs they choose.
 * - connect: our origin and livekit-server (its websocket, and its http validate call on failure).
 *   livekit-client plays media through srcObject (not a URL media-src governs) and starts no worker
 *   unless end-to-end encryption is on (it is not), so media and workers stay at default-src 'self'.
 * - nothing may frame Booth (clickjacking); forms post only to Booth, or Stripe's hosted checkout.
 */
export function contentSecurityPolicy(ctx: HeaderContext): string {
  const dev = ctx.nodeEnv === "development";
  const https = new URL(ctx.appUrl).protocol === "https:";
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${ctx.nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${ctx.nonce}'`,
    "img-src 'self' data: https:",
    "font-src 'self'",
    `connect-src 'self' ${livekitSources(ctx.livekitUrl).join(" ")}`.trim(),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self' https://checkout.stripe.com",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

/** Camera, microphone and screen capture only on the room page, and only for Booth itself. */
export function permissionsPolicy(pathname: string) {
  const media = isRoomPage(pathname) ? "(self)" : "()";
  return [
    `camera=${media}`,
    `microphone=${media}`,
    `display-capture=${media}`,
    "geolocation=()",
    "payment=()",
    "usb=()",
  ].join(", ");
}

/** Every header of a response to `ctx.pathname`. HSTS only in production on an https APP_URL. */
export function securityHeaders(ctx: HeaderContext): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy(ctx),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": permissionsPolicy(ctx.pathname),
    "Cross-Origin-Opener-Policy": "same-origin",
  };
  if (ctx.nodeEnv === "production" && new URL(ctx.appUrl).protocol === "https:") {
    // Two years, the preload list's minimum; subdomains too (a Booth deployment owns its host name).
    headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains";
  }
  return headers;
}
