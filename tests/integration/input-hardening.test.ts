import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { registerUser } from "@/lib/auth/service";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { signedEvent } from "../helpers/bookings";
import { TEST_PASSWORD, createCreator, createUser, uniqueEmail } from "../helpers/factories";
import { HttpClient, baseUrl, callServerAction } from "../helpers/http";
import { paidSession, signedLivekitWebhook } from "../helpers/sessions";

let n = 0;
const ip = () => `198.19.${Math.floor(n / 250)}.${(n++ % 250) + 1}`;
/** A /64 of the documentation range that no other test uses. */
const prefix64 = () => `2001:db8:${crypto.randomBytes(2).toString("hex")}:${crypto.randomBytes(2).toString("hex")}`;

async function signedIn(user: { email: string }) {
  const client = new HttpClient();
  await client.signIn(user.email, TEST_PASSWORD, ip());
  expect(client.hasSession()).toBe(true);
  return client;
}

const CONTROL = /Remove the invisible control characters/;

/** The field errors of a 422 route answer. */
async function fieldErrorsOf(res: Response) {
  expect(res.status).toBe(422);
  return ((await res.json()) as { fieldErrors: Record<string, string[]> }).fieldErrors;
}

/** An action's answer names `field` with the control-character message (and the action did not crash). */
function expectActionFieldError(res: { status: number; text: string }, field: string) {
  expect(res.status).toBe(200);
  expect(res.text).not.toMatch(/Something went wrong on our side/);
  expect(res.text).toMatch(new RegExp(`"fieldErrors":\\{[^}]*"${field}":\\["Remove the invisible control characters`));
}

describe("control characters in text get a 422 naming the field, never a 500", () => {
  it("JSON routes: bookings, cancel, admin refunds, admin users, session token, diagnostics", async () => {
    const viewer = await createUser();
    const v = await signedIn(viewer);
    const admin = await signedIn(await createUser({ role: "admin" }));
    const session = await paidSession({ startsInMinutes: 2 });
    const participant = await signedIn(session.viewer);
    const nul = "\u0000";

    const book = await v.json("/api/bookings", "POST", {
      offeringId: `x${nul}`,
      startsAt: new Date().toISOString(),
    });
    expect((await fieldErrorsOf(book)).offeringId![0]).toMatch(CONTROL);
    expect(
      (await fieldErrorsOf(await v.json("/api/bookings/nope/cancel", "POST", { reason: `a${nul}b` }))).reason![0],
    ).toMatch(CONTROL);
    // Other C0 controls too (ESC, a vertical tab), not only NUL.
    expect(
      (
        await fieldErrorsOf(
          await admin.json("/api/admin/bookings/nope/refunds", "POST", { reason: "refund \u001b[31m" }),
        )
      ).reason![0],
    ).toMatch(CONTROL);
    expect(
      (
        await fieldErrorsOf(
          await admin.json(`/api/admin/users/${viewer.id}`, "PATCH", { status: "suspended", reason: "a\u000bb" }),
        )
      ).reason![0],
    ).toMatch(CONTROL);
    expect(await db.user.findUniqueOrThrow({ where: { id: viewer.id }, select: { status: true } })).toEqual({
      status: "active",
    });
    expect(
      (
        await fieldErrorsOf(
          await participant.json(`/api/sessions/${session.booking.id}/token`, "POST", {
            timeZone: `Europe/Lisbon${nul}`,
          }),
        )
      ).timeZone![0],
    ).toMatch(CONTROL);
    const diagnostics = await participant.json(`/api/sessions/${session.booking.id}/diagnostics`, "POST", {
      events: [{ type: "disconnected", at: new Date().toISOString(), reason: `gone${nul}` }],
    });
    expect(JSON.stringify(await fieldErrorsOf(diagnostics))).toMatch(/events/);
  });

  it("path parameters and query strings", async () => {
    const v = await signedIn(await createUser());
    expect((await fieldErrorsOf(await v.fetch("/api/bookings/%00"))).id![0]).toMatch(/control characters/);
    expect((await fieldErrorsOf(await v.json("/api/sessions/a%00b/token", "POST", {}))).id![0]).toMatch(/control/);
    expect((await fieldErrorsOf(await v.fetch("/api/offerings/%1b/slots"))).id![0]).toMatch(/control/);
    expect(Object.keys(await fieldErrorsOf(await v.fetch("/api/offerings/x/slots?from=%00")))).toEqual(["from"]);
  });

  it("forms (server actions): sign-up, sign-in, studio, applications, admin, bookings, test checkout", async () => {
    const anonymous = new HttpClient();
    const nul = "\u0000";
    expectActionFieldError(
      await callServerAction(
        anonymous,
        "lib/auth/actions.ts",
        "signUpAction",
        { name: `Ann${nul}`, email: uniqueEmail("nul"), password: "a long enough password", acceptTerms: "on" },
        "/signup",
        { "x-forwarded-for": ip() },
      ),
      "name",
    );
    expectActionFieldError(
      await callServerAction(
        anonymous,
        "lib/auth/actions.ts",
        "signInAction",
        { email: `a${nul}@b.test`, password: "whatever" },
        "/signin",
      ),
      "email",
    );
    const creator = await createCreator();
    const c = await signedIn(creator.user);
    for (const [action, fields, field] of [
      [
        "updateProfileAction",
        { slug: creator.profile.slug, displayName: "Ok", bio: `bio${nul}`, timeZone: "UTC" },
        "bio",
      ],
      // A line break where only one line makes sense is refused by the schema (singleLine).
      [
        "updateProfileAction",
        { slug: creator.profile.slug, displayName: "Two\nLines", timeZone: "UTC" },
        "displayName",
      ],
      [
        "saveOfferingAction",
        { kind: "private_session", title: `T${nul}`, durationMinutes: "30", price: "10", currency: "USD" },
        "title",
      ],
      ["addBlackoutAction", { date: "2031-01-01", reason: `r${nul}` }, "reason"],
      ["removeBlackoutAction", { id: nul }, "id"],
    ] as const) {
      expectActionFieldError(await callServerAction(c, "lib/creators/actions.ts", action, fields, "/studio"), field);
    }
    const viewer = await signedIn(await createUser());
    expectActionFieldError(
      await callServerAction(
        viewer,
        "lib/creators/actions.ts",
        "applyAsCreatorAction",
        { displayName: "Applicant", pitch: `A pitch long enough to pass${nul}` },
        "/dashboard",
      ),
      "pitch",
    );
    expectActionFieldError(
      await callServerAction(
        viewer,
        "lib/bookings/actions.ts",
        "cancelBookingAction",
        { bookingId: `x${nul}` },
        "/dashboard",
      ),
      "bookingId",
    );
    expectActionFieldError(
      await callServerAction(
        viewer,
        "lib/payments/actions.ts",
        "payTestCheckoutAction",
        { sessionId: `cs_${nul}` },
        "/dashboard",
      ),
      "sessionId",
    );
    const admin = await signedIn(await createUser({ role: "admin" }));
    const target = await createUser();
    expectActionFieldError(
      await callServerAction(
        admin,
        "lib/users/actions.ts",
        "setStatusAction",
        { userId: target.id, status: "suspended", reason: `r${nul}` },
        "/admin",
      ),
      "reason",
    );
    expectActionFieldError(
      await callServerAction(
        admin,
        "lib/creators/actions.ts",
        "decideApplicationAction",
        { applicationId: "x", decision: "decline", note: `n${nul}` },
        "/admin",
      ),
      "note",
    );
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).status).toBe("active");
  });

  it("multi-line text keeps tabs and line breaks (a textarea's CRLF stored as LF)", async () => {
    const creator = await createCreator();
    const c = await signedIn(creator.user);
    const res = await callServerAction(
      c,
      "lib/creators/actions.ts",
      "updateProfileAction",
      { slug: creator.profile.slug, displayName: "Tab Ok", bio: "Line one\r\nLine two\twith a tab", timeZone: "UTC" },
      "/studio",
    );
    expect(res.text).toMatch(/Profile saved/);
    expect((await db.creatorProfile.findUniqueOrThrow({ where: { id: creator.profile.id } })).bio).toBe(
      "Line one\nLine two\twith a tab",
    );
  });
});

describe("passwords", () => {
  const refusal = async (password: string, email = uniqueEmail("pw")) => {
    const err = await registerUser({ name: "Pat", email, password, acceptTerms: "on" }, ip(), "default").catch(
      (e) => e,
    );
    expect(err, password).toBeInstanceOf(AppError);
    expect(err.status).toBe(422);
    return err.fieldErrors.password[0] as string;
  };

  it("refuses commonly used passwords, whatever their case, and says why", async () => {
    for (const password of ["password123", "qwertyuiop", "1q2w3e4r5t", "Basketball", "iloveyou12"]) {
      expect(await refusal(password)).toMatch(/most commonly used passwords/);
    }
  });

  it("refuses a password equal to or containing the email's local part, and says why", async () => {
    const email = `jordan.lee-${crypto.randomBytes(3).toString("hex")}@test.booth`;
    const local = email.split("@")[0]!;
    expect(await refusal(local, email)).toMatch(/from your email address/);
    expect(await refusal(email, email)).toMatch(/from your email address/);
    expect(await refusal(`My-${local.toUpperCase()}-2026`, email)).toMatch(/from your email address/);
    // "name+tag@": the name before the tag counts too.
    const tagged = `robin${crypto.randomBytes(3).toString("hex")}+shop@test.booth`;
    expect(await refusal(`${tagged.split("+")[0]}!secret`, tagged)).toMatch(/from your email address/);
    // Anything else of 10+ characters is fine.
    await expect(
      registerUser({ name: "Pat", email, password: "violet lantern harbour", acceptTerms: "on" }, ip(), "default"),
    ).resolves.toBeTruthy();
  });

  it("the sign-up form shows the reason next to the password", async () => {
    const res = await callServerAction(
      new HttpClient(),
      "lib/auth/actions.ts",
      "signUpAction",
      { name: "Form Person", email: uniqueEmail("form"), password: "password123", acceptTerms: "on" },
      "/signup",
      { "x-forwarded-for": ip() },
    );
    expect(res.text).toMatch(/"fieldErrors":\{"password":\["This is one of the most commonly used passwords/);
  });
});

describe("per-IP limits count an IPv6 address by its /64", () => {
  it("sign-in: 30 failures from 30 addresses of one /64 block the whole /64, not the next one", async () => {
    const net = prefix64();
    const client = new HttpClient();
    for (let i = 1; i <= 30; i++)
      await client.signIn(uniqueEmail("spray6"), "wrong password", `${net}::${i.toString(16)}`);
    const user = await createUser();
    const blocked = await client.signIn(user.email, TEST_PASSWORD, `${net}:ffff:ffff:ffff:fffe`);
    expect(blocked.headers.get("location")).toMatch(/code=rate_limited/);
    expect(client.hasSession()).toBe(false);
    const [a, b, c, d] = net.split(":");
    const neighbour = `${a}:${b}:${c}:${(Number.parseInt(d!, 16) ^ 1).toString(16)}::1`;
    await client.signIn(user.email, TEST_PASSWORD, neighbour);
    expect(client.hasSession()).toBe(true);
  });

  it("an IPv4-mapped IPv6 address shares the IPv4 address's budget", async () => {
    const v4 = `198.19.200.${(n++ % 250) + 1}`;
    const client = new HttpClient();
    for (let i = 0; i < 30; i++) await client.signIn(uniqueEmail("mapped"), "wrong password", `::ffff:${v4}`);
    const user = await createUser();
    expect((await client.signIn(user.email, TEST_PASSWORD, v4)).headers.get("location")).toMatch(/code=rate_limited/);
  });

  it("sign-up: 10 accounts an hour per /64", async () => {
    const net = prefix64();
    const signUp = (addr: string) =>
      callServerAction(
        new HttpClient(),
        "lib/auth/actions.ts",
        "signUpAction",
        { name: "Six", email: uniqueEmail("six"), password: "violet lantern harbour", acceptTerms: "on" },
        "/signup",
        { "x-forwarded-for": addr },
      );
    for (let i = 1; i <= 10; i++) expect((await signUp(`${net}::${i}`)).text).not.toMatch(/Too many new accounts/);
    expect((await signUp(`${net}:1:2:3:4`)).text).toMatch(/Too many new accounts from your network/);
  });
});

describe("JSON routes accept only JSON; state-changing requests only from Booth's own pages", () => {
  it("the token endpoint refuses an empty body that is not JSON (a cross-site form post), and takes {} as JSON", async () => {
    const s = await paidSession({ startsInMinutes: 2 });
    const c = await signedIn(s.viewer);
    const path = `/api/sessions/${s.booking.id}/token`;
    expect((await c.fetch(path, { method: "POST" })).status).toBe(415);
    for (const type of ["application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x"]) {
      const res = await c.fetch(path, { method: "POST", body: "", headers: { "content-type": type } });
      expect(res.status, type).toBe(415);
    }
    const empty = await c.fetch(path, { method: "POST", body: "", headers: { "content-type": "application/json" } });
    expect(empty.status).toBe(200);
    expect(((await empty.json()) as { token?: string }).token).toBeTruthy();
  });

  it("other JSON routes refuse form posts with 415", async () => {
    const c = await signedIn(await createUser());
    const res = await c.fetch("/api/bookings", {
      method: "POST",
      body: "offeringId=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(res.status).toBe(415);
  });

  it("a state-changing request from another origin gets 403 before anything else", async () => {
    const s = await paidSession({ startsInMinutes: 2 });
    const c = await signedIn(s.viewer);
    const path = `/api/sessions/${s.booking.id}/token`;
    const post = (headers: Record<string, string>) =>
      c.fetch(path, { method: "POST", body: "{}", headers: { "content-type": "application/json", ...headers } });
    for (const headers of [
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: baseUrl().replace("127.0.0.1", "localhost") },
      { "sec-fetch-site": "cross-site" },
    ] as Record<string, string>[]) {
      const res = await post(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(((await res.json()) as { error: string }).error).toMatch(/came from another website/);
    }
    expect((await post({ origin: baseUrl() })).status).toBe(200);
    expect((await post({ "sec-fetch-site": "same-origin" })).status).toBe(200);
    // Reads are not state-changing.
    expect(
      (await c.fetch(`/api/bookings/${s.booking.id}`, { headers: { origin: "https://evil.example" } })).status,
    ).toBe(200);
  });

  it("next-auth's sign-in endpoint refuses another origin too", async () => {
    const user = await createUser();
    const c = new HttpClient();
    const { csrfToken } = (await (await c.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
    const res = await c.fetch("/api/auth/callback/credentials", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: new URLSearchParams({ csrfToken, email: user.email, password: TEST_PASSWORD }).toString(),
    });
    expect(res.status).toBe(403);
    expect(c.hasSession()).toBe(false);
  });

  it("signed webhooks are exempt by their route definition: their signature is what is checked", async () => {
    const ev = signedEvent("customer.created", { id: "cus_x", object: "customer" });
    const stripe = await fetch(`${baseUrl()}/api/stripe/webhook`, {
      method: "POST",
      body: ev.payload,
      headers: {
        "content-type": "application/json",
        "stripe-signature": ev.signature,
        origin: "https://stripe.example",
      },
    });
    expect(stripe.status).toBe(200);
    const hook = await signedLivekitWebhook({ event: "room_started", room: { name: "not-a-booth-room", sid: "RM_x" } });
    const livekit = await fetch(`${baseUrl()}/api/livekit/webhook`, {
      method: "POST",
      body: hook.body,
      headers: { "content-type": "application/webhook+json", authorization: hook.authorization, origin: "null" },
    });
    expect(livekit.status).toBe(200);
  });
});

describe("bodies are capped while reading, per route", () => {
  /** A body sent in chunks with no Content-Length, so only counting while reading can refuse it. */
  const chunked = (bytes: number) => {
    const chunk = new TextEncoder().encode(`"${"x".repeat(16 * 1024 - 2)}"`);
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= bytes) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
  };
  const post = (path: string, body: BodyInit, headers: Record<string, string>, client = new HttpClient()) =>
    client.fetch(path, { method: "POST", body, headers, duplex: "half" } as RequestInit & {
      headers: Record<string, string>;
    });

  it("JSON routes: 32 KB by default, declared or chunked", async () => {
    const c = await signedIn(await createUser());
    const json = { "content-type": "application/json" };
    const big = JSON.stringify({ offeringId: "x".repeat(40 * 1024) });
    const declared = await post("/api/bookings", big, json, c);
    expect(declared.status).toBe(413);
    expect(((await declared.json()) as { error: string }).error).toMatch(/at most 32,768 bytes/);
    expect((await post("/api/bookings", chunked(200 * 1024), json, c)).status).toBe(413);
    expect((await post("/api/bookings/x/cancel", chunked(64 * 1024), json, c)).status).toBe(413);
  });

  it("the Stripe webhook reads at most 1 MB, the LiveKit webhook 64 KB, next-auth's forms 8 KB", async () => {
    const stripeHeaders = { "content-type": "application/json", "stripe-signature": "t=1,v1=x" };
    expect((await post("/api/stripe/webhook", "x".repeat(1024 * 1024 + 1), stripeHeaders)).status).toBe(413);
    expect((await post("/api/stripe/webhook", chunked(1536 * 1024), stripeHeaders)).status).toBe(413);
    // Under the cap, the same request is read and judged by its signature.
    expect((await post("/api/stripe/webhook", "x".repeat(512 * 1024), stripeHeaders)).status).toBe(400);
    const lk = { "content-type": "application/webhook+json", authorization: "x" };
    expect((await post("/api/livekit/webhook", "x".repeat(65 * 1024), lk)).status).toBe(413);
    expect((await post("/api/livekit/webhook", chunked(100 * 1024), lk)).status).toBe(413);
    const form = { "content-type": "application/x-www-form-urlencoded" };
    expect((await post("/api/auth/callback/credentials", `email=${"x".repeat(9000)}`, form)).status).toBe(413);
  });
});
