import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { HttpClient, callServerAction } from "../helpers/http";

// Server-side sessions: each sign-in is an auth_sessions row whose id the JWT carries, checked on every
// request by pages, routes, actions and next-auth's own /api/auth/session alike.

let n = 0;
const ip = () => `198.18.${Math.floor(n / 250)}.${(n++ % 250) + 1}`;

async function signedIn(user: { email: string }) {
  const client = new HttpClient();
  await client.signIn(user.email, TEST_PASSWORD, ip());
  expect(client.hasSession()).toBe(true);
  return client;
}

/** Another client holding a copy of `client`'s session cookie (a stolen or copied cookie). */
function copyOf(client: HttpClient) {
  const copy = new HttpClient();
  const value = /authjs\.session-token=([^;]+)/.exec(client.cookieHeader())![1]!;
  copy.setCookie("authjs.session-token", value);
  return copy;
}

async function sessionOf(client: HttpClient) {
  return (await (await client.fetch("/api/auth/session")).json()) as { user?: { id: string } } | null;
}

/** What a page, a route and a server action each say to this client. */
async function answers(client: HttpClient) {
  const page = await client.fetch("/dashboard");
  const route = await client.fetch("/api/bookings/nope");
  const action = await callServerAction(
    client,
    "lib/creators/actions.ts",
    "applyAsCreatorAction",
    { displayName: "Copied Cookie", pitch: "Trying to act with a cookie that was signed out." },
    "/dashboard",
  );
  const location = page.headers.get("location");
  return {
    page:
      page.status === 200
        ? "ok"
        : location && new URL(location, "http://x").pathname + new URL(location, "http://x").search,
    route: route.status,
    action: /Sign in to continue/.test(action.text) ? "refused" : "accepted",
  };
}

describe("sign-out ends the session on the server", () => {
  it("a copied cookie stops working at the next request after sign-out; the user's other device stays signed in", async () => {
    const user = await createUser();
    const laptop = await signedIn(user);
    const phone = await signedIn(user);
    const copied = copyOf(laptop);
    expect((await sessionOf(copied))?.user?.id).toBe(user.id);
    expect(await db.authSession.count({ where: { userId: user.id, revokedAt: null } })).toBe(2);

    // The header's "Sign out" button.
    await callServerAction(laptop, "lib/auth/actions.ts", "signOutAction", {}, "/dashboard");
    expect(laptop.hasSession()).toBe(false);
    expect(await db.authSession.count({ where: { userId: user.id, revokedAt: { not: null } } })).toBe(1);

    // The copy of the signed-out cookie is refused by pages, routes and actions, and by /api/auth/session.
    expect(await answers(copied)).toEqual({ page: "/auth/ended?reason=revoked", route: 401, action: "refused" });
    expect(await sessionOf(copied)).toBeNull();
    expect(copied.hasSession()).toBe(false); // next-auth cleared the dead cookie
    // Nothing was done with it.
    expect(await db.creatorApplication.count({ where: { userId: user.id } })).toBe(0);

    // The phone is another session and still works.
    expect((await sessionOf(phone))?.user?.id).toBe(user.id);
    expect((await phone.fetch("/dashboard")).status).toBe(200);
  });

  it("next-auth's own sign-out endpoint revokes the session too", async () => {
    const user = await createUser();
    const client = await signedIn(user);
    const copied = copyOf(client);
    const { csrfToken } = (await (await client.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await client.fetch("/api/auth/signout", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrfToken }).toString(),
    });
    expect(res.status).toBe(302);
    expect(await sessionOf(copied)).toBeNull();
  });

  it("'Sign out everywhere' on the account page revokes every session of the user, and only theirs", async () => {
    const user = await createUser();
    const other = await createUser();
    const a = await signedIn(user);
    const b = await signedIn(user);
    const stranger = await signedIn(other);
    const account = await a.fetch("/account");
    expect(account.status).toBe(200);
    expect(await account.text()).toMatch(/signed in on (<!-- -->)?2(<!-- -->)? devices/);

    await callServerAction(a, "lib/auth/actions.ts", "signOutEverywhereAction", {}, "/account");
    expect(a.hasSession()).toBe(false);
    expect(await answers(b)).toEqual({ page: "/auth/ended?reason=revoked", route: 401, action: "refused" });
    expect(await sessionOf(b)).toBeNull();
    expect(await db.authSession.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect((await sessionOf(stranger))?.user?.id).toBe(other.id);

    // Signing in again starts a new session.
    const again = await signedIn(user);
    expect((await again.fetch("/dashboard")).status).toBe(200);
  });

  it("/account needs a signed-in user", async () => {
    const res = await new HttpClient().fetch("/account");
    expect(res.headers.get("location")).toMatch(/\/signin\?callbackUrl=%2Faccount$/);
  });
});

describe("session lifetime", () => {
  it("a sign-in lasts AUTH_SESSION_MAX_AGE_HOURS (720 h) for viewers and AUTH_ADMIN_SESSION_MAX_AGE_HOURS (12 h) for admins", async () => {
    const viewer = await createUser();
    const admin = await createUser({ role: "admin" });
    const before = Date.now();
    await signedIn(viewer);
    await signedIn(admin);
    const hoursOf = async (userId: string) => {
      const row = await db.authSession.findFirstOrThrow({ where: { userId } });
      return (row.expiresAt.getTime() - before) / 3_600_000;
    };
    expect(await hoursOf(viewer.id)).toBeCloseTo(720, 1);
    expect(await hoursOf(admin.id)).toBeCloseTo(12, 1);
  });

  it("an expired session is refused, and an admin's ends after 12 hours where a viewer's does not", async () => {
    const viewer = await createUser();
    const admin = await createUser({ role: "admin" });
    const v = await signedIn(viewer);
    const a = await signedIn(admin);
    // Both signed in 13 hours ago.
    const hoursAgo = new Date(Date.now() - 13 * 3_600_000);
    await db.authSession.updateMany({
      where: { userId: { in: [viewer.id, admin.id] } },
      data: { createdAt: hoursAgo },
    });
    expect((await v.fetch("/dashboard")).status).toBe(200);
    expect((await a.fetch("/admin")).headers.get("location")).toMatch(/\/auth\/ended\?reason=revoked$/);
    expect(await sessionOf(a)).toBeNull();

    // A viewer promoted to admin gets the admin's lifetime from when they signed in.
    await db.user.update({ where: { id: viewer.id }, data: { role: "admin" } });
    expect((await v.fetch("/dashboard")).headers.get("location")).toMatch(/\/auth\/ended\?reason=revoked$/);

    // And any session past its expiry is refused.
    const late = await createUser();
    const l = await signedIn(late);
    await db.authSession.updateMany({ where: { userId: late.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await l.fetch("/api/bookings/nope")).status).toBe(401);
    expect(await sessionOf(l)).toBeNull();
  });

  it("a deleted session row (or a cookie from before server-side sessions) is refused", async () => {
    const user = await createUser();
    const client = await signedIn(user);
    await db.authSession.deleteMany({ where: { userId: user.id } });
    expect((await client.fetch("/dashboard")).headers.get("location")).toMatch(/\/auth\/ended\?reason=revoked$/);
  });

  it("suspension still ends every session with its own message", async () => {
    const user = await createUser();
    const client = await signedIn(user);
    await db.user.update({ where: { id: user.id }, data: { status: "suspended", tokenVersion: { increment: 1 } } });
    expect((await client.fetch("/dashboard")).headers.get("location")).toMatch(/\/auth\/ended\?reason=suspended$/);
    expect((await client.fetch("/api/bookings/nope")).status).toBe(403);
    expect(await sessionOf(copyOf(client))).toBeNull();
  });
});
