import { describe, expect, it } from "vitest";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { paidSession } from "../helpers/sessions";

let n = 0;
const ip = () => `198.20.${Math.floor(n / 250)}.${(n++ % 250) + 1}`;

async function signedIn(user: { email: string }) {
  const client = new HttpClient();
  await client.signIn(user.email, TEST_PASSWORD, ip());
  expect(client.hasSession()).toBe(true);
  return client;
}

const livekitHost = () => new URL(process.env.LIVEKIT_URL!).host;

/** Every header each page type and route must send; returns the CSP's nonce. */
function expectSecurityHeaders(res: Response, what: string, opts: { room?: boolean } = {}) {
  const h = res.headers;
  const csp = h.get("content-security-policy") ?? "";
  expect(csp, what).toMatch(/(^|; )default-src 'self'(;|$)/);
  expect(csp, what).toMatch(/(^|; )script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'(;|$)/);
  expect(csp, what).not.toMatch(/unsafe-inline|unsafe-eval/);
  expect(csp, what).toMatch(/(^|; )frame-ancestors 'none'(;|$)/);
  expect(csp, what).toMatch(/(^|; )object-src 'none'(;|$)/);
  expect(csp, what).toContain(`connect-src 'self' ws://${livekitHost()} wss://${livekitHost()}`);
  expect(h.get("content-security-policy-report-only"), what).toBeNull();
  expect(h.get("x-frame-options"), what).toBe("DENY");
  expect(h.get("referrer-policy"), what).toBe("strict-origin-when-cross-origin");
  expect(h.get("x-content-type-options"), what).toBe("nosniff");
  const permissions = h.get("permissions-policy") ?? "";
  if (opts.room) expect(permissions, what).toMatch(/camera=\(self\), microphone=\(self\)/);
  else expect(permissions, what).toMatch(/camera=\(\), microphone=\(\)/);
  // The suite's APP_URL is http: no HSTS (tests/unit/security.test.ts covers production on https).
  expect(h.get("strict-transport-security"), what).toBeNull();
  return /'nonce-([^']+)'/.exec(csp)![1]!;
}

/** Every <script> Next.js rendered carries the response's nonce, and no element has a style attribute. */
function expectNoncedPage(html: string, nonce: string, what: string) {
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length, what).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag, what).toContain(`nonce="${nonce}"`);
  expect(html, what).not.toMatch(/<[a-z][^>]*\sstyle="/);
}

describe("security headers on every page type and route", () => {
  it("landing, sign-in, a 404", async () => {
    const client = new HttpClient();
    for (const [path, status] of [
      ["/", 200],
      ["/signin", 200],
      ["/no-such-page", 404],
    ] as const) {
      const res = await client.fetch(path);
      expect(res.status, path).toBe(status);
      expectNoncedPage(await res.text(), expectSecurityHeaders(res, path), path);
    }
  });

  it("the bench routes do not exist outside benches (BOOTH_BENCH_ROUTES is off in the suite)", async () => {
    const client = new HttpClient();
    for (const path of ["/dev/reference-room?room=anything", "/api/dev/token-baseline?room=anything"]) {
      const res = await client.fetch(path);
      expect(res.status, path).toBe(404);
    }
  });

  it("a fresh nonce on every response", async () => {
    const client = new HttpClient();
    const a = expectSecurityHeaders(await client.fetch("/"), "/");
    const b = expectSecurityHeaders(await client.fetch("/"), "/");
    expect(a).not.toBe(b);
  });

  it("a dashboard, an admin page and the room page (camera and microphone allowed only there)", async () => {
    const viewer = await signedIn(await createUser());
    const dashboard = await viewer.fetch("/dashboard");
    expect(dashboard.status).toBe(200);
    expectNoncedPage(await dashboard.text(), expectSecurityHeaders(dashboard, "/dashboard"), "/dashboard");

    const admin = await signedIn(await createUser({ role: "admin" }));
    const adminPage = await admin.fetch("/admin");
    expect(adminPage.status).toBe(200);
    expectNoncedPage(await adminPage.text(), expectSecurityHeaders(adminPage, "/admin"), "/admin");

    const s = await paidSession({ startsInMinutes: 2 });
    const participant = await signedIn(s.viewer);
    const room = await participant.fetch(`/sessions/${s.booking.id}`);
    expect(room.status).toBe(200);
    expectNoncedPage(await room.text(), expectSecurityHeaders(room, "room", { room: true }), "room");
    // The booking page of the same session is not the room: no camera there.
    expectSecurityHeaders(await participant.fetch(`/bookings/${s.booking.id}`), "booking page");
  });

  it("API routes, their errors and redirects", async () => {
    const client = new HttpClient();
    const health = await client.fetch("/api/health");
    expect(health.status).toBe(200);
    expectSecurityHeaders(health, "/api/health");
    const refused = await client.fetch("/api/bookings/x");
    expect(refused.status).toBe(401);
    expectSecurityHeaders(refused, "401 route");
    const redirect = await client.fetch("/dashboard");
    expect(redirect.status).toBe(307);
    expectSecurityHeaders(redirect, "proxy redirect");
  });
});
