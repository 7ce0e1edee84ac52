import { NextResponse, type NextRequest } from "next/server";

/**
 * Convenience only: tags each request with an id for the logs, and sends visitors without a
 * session cookie to sign-in before rendering a private page. Every page, action and route
 * still checks the user itself (lib/auth/session.ts).
 */
export function proxy(req: NextRequest) {
  const incoming = req.headers.get("x-request-id");
  const requestId = incoming && /^[\w-]{8,64}$/.test(incoming) ? incoming : crypto.randomUUID();

  const privatePage = /^\/(dashboard|studio|admin|bookings|checkout)(\/|$)/.test(req.nextUrl.pathname);
  const hasSession = req.cookies.has("authjs.session-token") || req.cookies.has("__Secure-authjs.session-token");
  if (privatePage && !hasSession) {
    const url = req.nextUrl.clone();
    url.pathname = "/signin";
    url.search = `?callbackUrl=${encodeURIComponent(req.nextUrl.pathname + req.nextUrl.search)}`;
    return NextResponse.redirect(url);
  }

  const headers = new Headers(req.headers);
  headers.set("x-request-id", requestId);
  const res = NextResponse.next({ request: { headers } });
  res.headers.set("x-request-id", requestId);
  return res;
}

// Never Next.js internals: running the proxy on the dev HMR socket breaks it and reloads pages in a loop.
export const config = { matcher: ["/((?!_next/|favicon.ico).*)"] };
