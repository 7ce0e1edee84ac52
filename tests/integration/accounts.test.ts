import { describe, expect, it } from "vitest";
import { RESET_LINK_INVALID, RESET_REQUESTED_MESSAGE, requestPasswordReset, resetPassword } from "@/lib/auth/recovery";
import { SignInRefused, authenticate, registerUser } from "@/lib/auth/service";
import { hashToken } from "@/lib/auth/tokens";
import { resendVerification } from "@/lib/auth/verification";
import { legalDocument } from "@/lib/branding/legal";
import { getBrand } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { TEST_PASSWORD, createUser, uniqueEmail } from "../helpers/factories";
import { withBrandLock } from "../helpers/brand";
import { HttpClient, callServerAction } from "../helpers/http";

// Accounts: password reset by an emailed single-use link, sign-up that does not tell who has an account,
// consent to the terms, and confirming the address by the welcome email's link.

let n = 0;
const ip = () => `198.18.${60 + Math.floor(n / 250)}.${(n++ % 250) + 1}`;
const NEW_PASSWORD = "a brand new sturdy secret";

/** The token in the newest email to `to` whose link goes to `path`. */
async function tokenMailedTo(to: string, path: "/reset-password" | "/verify-email") {
  const mail = await db.emailMessage.findFirst({
    where: { toAddress: to, textBody: { contains: `${path}?` } },
    orderBy: { createdAt: "desc" },
    select: { textBody: true },
  });
  const m = mail && new RegExp(`${path}\\?token=([A-Za-z0-9_-]+)`).exec(mail.textBody);
  if (!m) throw new Error(`no ${path} link mailed to ${to}`);
  return m[1]!;
}

async function signedIn(user: { email: string }, password = TEST_PASSWORD) {
  const client = new HttpClient();
  await client.signIn(user.email, password, ip());
  expect(client.hasSession()).toBe(true);
  return client;
}

async function sessionUser(client: HttpClient) {
  const s = (await (await client.fetch("/api/auth/session")).json()) as { user?: { id: string } } | null;
  return s?.user?.id ?? null;
}

async function signInResult(email: string, password: string) {
  try {
    return (await authenticate({ email, password }, ip(), "default")).id;
  } catch (err) {
    if (err instanceof SignInRefused) return err.reason;
    throw err;
  }
}

describe("password reset", () => {
  it("answers the same, in at least 400 ms, whether or not the address has an account; mails only the owner", async () => {
    const user = await createUser();
    const stranger = uniqueEmail("nobody");
    const t0 = Date.now();
    const known = await requestPasswordReset({ email: user.email.toUpperCase() }, ip(), "default");
    const t1 = Date.now();
    const unknown = await requestPasswordReset({ email: stranger }, ip(), "default");
    const t2 = Date.now();
    expect(known).toBe(RESET_REQUESTED_MESSAGE);
    expect(unknown).toBe(RESET_REQUESTED_MESSAGE);
    expect(t1 - t0).toBeGreaterThanOrEqual(395);
    expect(t2 - t1).toBeGreaterThanOrEqual(395);
    expect(await db.emailMessage.count({ where: { toAddress: stranger } })).toBe(0);
    const mail = await db.emailMessage.findFirstOrThrow({
      where: { toAddress: user.email, subject: { contains: "Reset your" } },
      select: { textBody: true },
    });
    expect(mail.textBody).toMatch(/works once, within 1 hour/);
    expect(mail.textBody).toMatch(/You get this email because a password reset was requested/);
  });

  it("stores only a hash of the token, valid for one hour", async () => {
    const user = await createUser();
    await requestPasswordReset({ email: user.email }, ip(), "default");
    const token = await tokenMailedTo(user.email, "/reset-password");
    const row = await db.accountToken.findFirstOrThrow({
      where: { userId: user.id, purpose: "password_reset" },
      select: { tokenHash: true, expiresAt: true, createdAt: true },
    });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(row.tokenHash).not.toContain(token);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(3_600_000);
  });

  it("sets the new password, revokes every session, works once, and tells the owner", async () => {
    const user = await createUser();
    const laptop = await signedIn(user);
    const phone = await signedIn(user);
    await requestPasswordReset({ email: user.email }, ip(), "default");
    const token = await tokenMailedTo(user.email, "/reset-password");

    expect(await resetPassword({ token, password: NEW_PASSWORD })).toEqual({ email: user.email });
    expect(await signInResult(user.email, TEST_PASSWORD)).toBe("invalid");
    expect(await signInResult(user.email, NEW_PASSWORD)).toBe(user.id);
    // Every device signed in before the reset is signed out at its next request.
    expect(await sessionUser(laptop)).toBeNull();
    expect(await sessionUser(phone)).toBeNull();
    expect(await db.authSession.count({ where: { userId: user.id, revokedAt: null } })).toBe(0);
    expect(
      await db.emailMessage.count({ where: { toAddress: user.email, subject: { contains: "password was changed" } } }),
    ).toBe(1);

    // The same link again: refused, and the password stays.
    const again = await resetPassword({ token, password: "yet another sturdy secret" }).catch((e) => e);
    expect(again).toBeInstanceOf(AppError);
    expect(again.status).toBe(422);
    expect(again.fieldErrors.token[0]).toBe(RESET_LINK_INVALID);
    expect(await signInResult(user.email, NEW_PASSWORD)).toBe(user.id);
  });

  it("refuses an expired link, an earlier link once a newer one was sent, and a made-up one", async () => {
    const user = await createUser();
    await requestPasswordReset({ email: user.email }, ip(), "default");
    const first = await tokenMailedTo(user.email, "/reset-password");
    await requestPasswordReset({ email: user.email }, ip(), "default");
    const second = await tokenMailedTo(user.email, "/reset-password");
    expect(second).not.toBe(first);
    const refusal = (token: string) =>
      resetPassword({ token, password: NEW_PASSWORD }).then(
        () => "accepted",
        (e: AppError) => e.fieldErrors?.token?.[0] ?? e.message,
      );
    expect(await refusal(first)).toBe(RESET_LINK_INVALID);
    await db.accountToken.updateMany({
      where: { tokenHash: hashToken(second) },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await refusal(second)).toBe(RESET_LINK_INVALID);
    expect(await refusal("x".repeat(43))).toBe(RESET_LINK_INVALID);
    expect(await refusal("../../etc")).toMatch(/link is incomplete/);
    expect(await signInResult(user.email, TEST_PASSWORD)).toBe(user.id);
  });

  it("a refused new password (too common) leaves the link usable", async () => {
    const user = await createUser();
    await requestPasswordReset({ email: user.email }, ip(), "default");
    const token = await tokenMailedTo(user.email, "/reset-password");
    const err = await resetPassword({ token, password: "password123" }).catch((e) => e);
    expect(err.fieldErrors.password[0]).toMatch(/most commonly used passwords/);
    await expect(resetPassword({ token, password: NEW_PASSWORD })).resolves.toEqual({ email: user.email });
  });

  it("two uses of one link at once: exactly one succeeds", async () => {
    const user = await createUser();
    await requestPasswordReset({ email: user.email }, ip(), "default");
    const token = await tokenMailedTo(user.email, "/reset-password");
    const results = await Promise.allSettled([
      resetPassword({ token, password: NEW_PASSWORD }),
      resetPassword({ token, password: "yet another sturdy secret" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("throttles: 3 emails an hour per address (the 4th answers the same and mails nothing), 10 requests an hour per IP", async () => {
    const user = await createUser();
    for (let i = 0; i < 4; i++)
      expect(await requestPasswordReset({ email: user.email }, ip(), "default")).toBe(RESET_REQUESTED_MESSAGE);
    expect(await db.emailMessage.count({ where: { toAddress: user.email, subject: { contains: "Reset your" } } })).toBe(
      3,
    );

    const addr = ip();
    for (let i = 0; i < 10; i++) await requestPasswordReset({ email: uniqueEmail("spray") }, addr, "default");
    const err = await requestPasswordReset({ email: uniqueEmail("spray") }, addr, "default").catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.status).toBe(429);
    expect(err.message).toMatch(/Too many password reset requests from your network; try again in/);
  });

  it("refuses a malformed address with a field error", async () => {
    const err = await requestPasswordReset({ email: "not-an-address" }, ip(), "default").catch((e) => e);
    expect(err.issues?.[0]?.path).toEqual(["email"]);
  });

  it("over HTTP: the forms answer the same for any address, and the new password signs the person in", async () => {
    const user = await createUser();
    const ask = (email: string) =>
      callServerAction(new HttpClient(), "lib/auth/actions.ts", "forgotPasswordAction", { email }, "/forgot-password", {
        "x-forwarded-for": ip(),
      });
    const known = await ask(user.email);
    const unknown = await ask(uniqueEmail("nobody"));
    expect(known.text).toContain("If an account uses that address");
    expect(unknown.text.replace(/\s+/g, " ")).toBe(known.text.replace(/\s+/g, " "));

    expect((await new HttpClient().fetch("/forgot-password")).status).toBe(200);
    const token = await tokenMailedTo(user.email, "/reset-password");
    expect((await new HttpClient().fetch(`/reset-password?token=${token}`)).status).toBe(200);
    const browser = new HttpClient();
    const res = await callServerAction(
      browser,
      "lib/auth/actions.ts",
      "resetPasswordAction",
      { token, password: NEW_PASSWORD },
      "/reset-password",
      { "x-forwarded-for": ip() },
    );
    expect(res.text).not.toMatch(/expired or was already used|Something went wrong/);
    expect(browser.hasSession()).toBe(true);
    expect(await sessionUser(browser)).toBe(user.id);
  });
});

describe("sign-up", () => {
  const signUp = (fields: Record<string, string>, addr = ip()) =>
    callServerAction(new HttpClient(), "lib/auth/actions.ts", "signUpAction", fields, "/signup", {
      "x-forwarded-for": addr,
    });

  it("says the same for a new and a taken address, records the terms version, and mails each owner", () =>
    // The terms version is a hash of the text written from the brand: no other test may rebrand meanwhile.
    withBrandLock("read", async () => {
      const existing = await createUser();
      const fresh = uniqueEmail("fresh");
      const a = await signUp({ name: "Fresh", email: fresh, password: NEW_PASSWORD, acceptTerms: "on" });
      const b = await signUp({ name: "Again", email: existing.email, password: NEW_PASSWORD, acceptTerms: "on" });
      const norm = (t: string) => t.replaceAll(fresh, "EMAIL").replaceAll(existing.email, "EMAIL");
      expect(a.text).toMatch(/we sent an email to/);
      expect(norm(b.text)).toBe(norm(a.text));

      const created = await db.user.findUniqueOrThrow({
        where: { brandId_email: { brandId: "default", email: fresh } },
        select: { termsVersion: true, termsAcceptedAt: true, emailVerifiedAt: true },
      });
      expect(created.termsVersion).toBe(legalDocument(await getBrand(), "terms").version);
      expect(created.termsAcceptedAt).toBeInstanceOf(Date);
      expect(created.emailVerifiedAt).toBeNull();
      expect(await db.user.count({ where: { brandId: "default", email: existing.email } })).toBe(1);
      expect(
        await db.emailMessage.count({
          where: { toAddress: existing.email, subject: { startsWith: "You already have" } },
        }),
      ).toBe(1);
      // A second try within the hour does not mail the owner again.
      await signUp({ name: "Again", email: existing.email, password: NEW_PASSWORD, acceptTerms: "on" });
      expect(
        await db.emailMessage.count({
          where: { toAddress: existing.email, subject: { startsWith: "You already have" } },
        }),
      ).toBe(1);
    }));

  it("asks for consent to the terms", async () => {
    const res = await signUp({ name: "No Consent", email: uniqueEmail("noconsent"), password: NEW_PASSWORD });
    expect(res.text).toMatch(/"fieldErrors":\{"acceptTerms":\["Tick the box to agree to the terms/);
  });

  it("the welcome link confirms the address and signs in, once, and goes on to where the person was headed", async () => {
    const email = uniqueEmail("welcome");
    await registerUser(
      { name: "Wendy", email, password: NEW_PASSWORD, acceptTerms: "on" },
      ip(),
      "default",
      "/creators",
    );
    const mail = await db.emailMessage.findFirstOrThrow({ where: { toAddress: email }, select: { textBody: true } });
    expect(mail.textBody).toContain("callbackUrl=%2Fcreators");
    const token = await tokenMailedTo(email, "/verify-email");
    expect((await new HttpClient().fetch(`/verify-email?token=${token}`)).status).toBe(200);
    // Opening the page spent nothing (mail scanners open links): the button does.
    expect(
      await db.user.findUniqueOrThrow({
        where: { brandId_email: { brandId: "default", email } },
        select: { emailVerifiedAt: true },
      }),
    ).toEqual({
      emailVerifiedAt: null,
    });
    const browser = new HttpClient();
    const res = await callServerAction(
      browser,
      "lib/auth/actions.ts",
      "verifyEmailAction",
      { token, callbackUrl: "/creators" },
      "/verify-email",
    );
    expect(res.text).not.toMatch(/expired or was already used|Something went wrong/);
    expect(browser.hasSession()).toBe(true);
    const row = await db.user.findUniqueOrThrow({
      where: { brandId_email: { brandId: "default", email } },
      select: { id: true, emailVerifiedAt: true },
    });
    expect(row.emailVerifiedAt).toBeInstanceOf(Date);
    expect(await sessionUser(browser)).toBe(row.id);

    const replay = new HttpClient();
    const again = await callServerAction(
      replay,
      "lib/auth/actions.ts",
      "verifyEmailAction",
      { token },
      "/verify-email",
    );
    expect(again.text).toMatch(/This link has expired or was already used/);
    expect(replay.hasSession()).toBe(false);
  });

  it("sending the confirmation link again: a new link that replaces the old, 3 an hour", async () => {
    const user = await createUser({ unverified: true });
    expect(await resendVerification(user)).toMatch(/We sent a new link/);
    const first = await tokenMailedTo(user.email, "/verify-email");
    await resendVerification(user);
    const second = await tokenMailedTo(user.email, "/verify-email");
    expect(second).not.toBe(first);
    expect(
      await db.accountToken.count({ where: { userId: user.id, purpose: "email_verification", usedAt: null } }),
    ).toBe(1);
    await resendVerification(user);
    const err = await resendVerification(user).catch((e) => e);
    expect(err.status).toBe(429);
    const verified = await createUser();
    expect(await resendVerification(verified)).toMatch(/already confirmed/);
  });
});

describe("legal pages", () => {
  it("serve default terms and privacy written from the brand, with their version, linked in the footer", () =>
    withBrandLock("read", async () => {
      const brand = await getBrand();
      const terms = await new HttpClient().fetch("/legal/terms");
      expect(terms.status).toBe(200);
      const html = await terms.text();
      expect(html).toContain(`operated by ${brand.legalName}`);
      expect(html).toContain(legalDocument(brand, "terms").version);
      expect(html).toMatch(/href="\/legal\/privacy"/);
      const privacy = await new HttpClient().fetch("/legal/privacy");
      expect(privacy.status).toBe(200);
      expect(await privacy.text()).toContain("What we keep");
      expect((await new HttpClient().fetch("/legal/cookies")).status).toBe(404);
    }));
});
