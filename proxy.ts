import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { securityHeaders } from "@/lib/security/headers";

/**
 * Tags each request with an id for the logs, sets the security headers of every page and route
 * (lib/security/headers.ts) with a fresh CSP nonce, and sends visitors without a session cookie to
 * sign-in before rendering a private page (convenience only: every page, action and route still
 * checks the user itself, lib/auth/session.ts). Proxy runs on the Node.js runtime, so it reads lib/env.
 */
export function proxy(req: NextRequest) {
  const incoming = req.headers.get("x-request-id");
  const requestId = incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const security = securityHeaders({
    nonce,
    pathname: req.nextUrl.pathname,
    livekitUrl: env.LIVEKIT_PUBLIC_URL ?? env.LIVEKIT_URL,
    appUrl: env.APP_URL,
    nodeEnv: env.NODE_ENV,
  });

  const privatePage = /^\/(dashboard|studio|admin|bookings|checkout|account)(\/|$)/.test(req.nextUrl.pathname);
  const hasSession = req.cookies.has("authjs.session-token") || req.cookies.has("__Secure-authjs.session-token");
  let res: NextResponse;
  if (privatePage && !hasSession) {
    const url = req.nextUrl.clone();
    url.pathname = "/signin";
    url.search = `?callbackUrl=${encodeURIComponent(req.nextUrl.pathname + req.nextUrl.search)}`;
    res = NextResponse.redirect(url);
  } else {
    const headers = new Headers(req.headers);
    headers.set("x-request-id", requestId);
    // Next.js reads the nonce from the request's CSP header and stamps it on the scripts it renders.
    headers.set("content-security-policy", security["Content-Security-Policy"]!);
    headers.set("x-nonce", nonce); // for the root layout's <style> (the brand colours)
    res = NextResponse.next({ request: { headers } });
  }
  res.headers.set("x-request-id", requestId);
  for (const [name, value] of Object.entries(security)) res.headers.set(name, value);
  return res;
}

// Never Next.js internals: running the proxy on the dev HMR socket breaks it and reloads pages in a loop.
// Nor the verification upload (POST /api/verification, two identity files): Next.js would buffer its body
// for the proxy and cut it at proxyClientMaxBodySize (next.config.ts); the route checks the length itself
// before reading and sets its own headers.
export const config = { matcher: ["/((?!_next/|favicon.ico|api/verification$).*)"] };
