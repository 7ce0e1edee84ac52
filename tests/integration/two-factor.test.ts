import { describe, expect, it } from "vitest";
import { assertRole } from "@/lib/auth/permissions";
import { getActorOrThrow } from "@/lib/auth/queries";
import { openTotpSecret, totpCode } from "@/lib/auth/totp";
import {
  confirmTwoFactor,
  disableTwoFactor,
  getTwoFactorStatus,
  issuePendingSignIn,
  startTwoFactorEnrolment,
} from "@/lib/auth/two-factor";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { TEST_TOTP_SECRET, freshTestCode, noteUsedStep } from "../helpers/totp";

const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

async function statusOf(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  return err instanceof AppError ? err.status : err ? "crash" : 200;
}

/** Enrols `user` through the services, as /account/two-factor does; returns the secret and recovery codes. */
async function enrolled() {
  const user = await createUser();
  await startTwoFactorEnrolment(user);
  const { totpPendingSecret } = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  const secret = openTotpSecret(totpPendingSecret!, process.env.AUTH_SECRET!)!;
  const enrolCode = totpCode(secret);
  const codes = await confirmTwoFactor(user, "", { code: enrolCode });
  await noteUsedStep(user.email);
  return {
    enrolCode,
    user: await getActorOrThrow(user.id),
    secret,
    codes,
  };
}

function refusalOf(res: Response) {
  return /[?&]code=([a-z_]+)/.exec(res.headers.get("location") ?? "")?.[1] ?? null;
}

describe("enrolling in two-step sign-in", () => {
  it("shows a QR code (SVG, made here) and the key, keeps the secret sealed, and turns on only with a right code", async () => {
    const user = await createUser();
    await startTwoFactorEnrolment(user);
    const status = await getTwoFactorStatus(user);
    expect(status.enabled).toBe(false);
    expect(status.pending?.qrSvgDataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(status.pending!.qrSvgDataUrl.split(",")[1]!, "base64").toString()).toContain("<svg");
    expect(status.pending?.uri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    const key = status.pending!.key.replace(/ /g, "");
    // At rest the secret is sealed: the row does not contain it.
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.totpPendingSecret).toMatch(/^v1\./);
    expect(row.totpPendingSecret).not.toContain(key);
    expect(openTotpSecret(row.totpPendingSecret!, "another-secret-another-secret-another")).toBeNull();

    expect(await statusOf(confirmTwoFactor(user, "", { code: "000000" === totpCode(key) ? "111111" : "000000" }))).toBe(
      422,
    );
    expect((await getTwoFactorStatus(user)).enabled).toBe(false);

    const codes = await confirmTwoFactor(user, "", { code: totpCode(key) });
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    const stored = await db.recoveryCode.findMany({ where: { userId: user.id } });
    expect(stored).toHaveLength(10);
    for (const c of codes) expect(stored.map((s) => s.codeHash)).not.toContain(c);
    const after = await getTwoFactorStatus(await getActorOrThrow(user.id));
    expect(after).toMatchObject({ enabled: true, recoveryCodesLeft: 10, pending: null });
    // Twice is refused (the codes are not shown again).
    expect(await statusOf(confirmTwoFactor(user, "", { code: totpCode(key) }))).toBe(409);
  });
});

describe("signing in with two-step sign-in", () => {
  it("asks for the code after a right password, refuses a wrong one, and signs in with the right one", async () => {
    const { user, secret } = await enrolled();
    const from = ip();
    const bare = new HttpClient();
    expect(refusalOf(await bare.signIn(user.email, TEST_PASSWORD, from, ""))).toBe("code_required");
    expect(bare.hasSession()).toBe(false);
    // A wrong password is still "invalid", never "code required": the code step says nothing about a password.
    expect(refusalOf(await bare.signIn(user.email, "wrong password here", from, ""))).toBe("invalid");
    const wrong = totpCode(secret, Date.now() + 10 * 60_000);
    expect(refusalOf(await bare.signIn(user.email, TEST_PASSWORD, from, wrong))).toBe("code_invalid");
    expect(bare.hasSession()).toBe(false);

    const ok = new HttpClient();
    await ok.signIn(user.email, TEST_PASSWORD, from, await freshTestCode(user.email, secret));
    expect(ok.hasSession()).toBe(true);
  });

  it("each code is good once: the code that turned it on, a code already used, or an older one cannot sign in", async () => {
    const { user, secret, enrolCode } = await enrolled();
    const from = ip();
    // The code that confirmed enrolment was spent there.
    expect(refusalOf(await new HttpClient().signIn(user.email, TEST_PASSWORD, from, enrolCode))).toBe("code_invalid");
    // Two sign-ins racing with one fresh code: one gets in.
    const code = await freshTestCode(user.email, secret);
    const racers = [new HttpClient(), new HttpClient()];
    await Promise.all(racers.map((c) => c.signIn(user.email, TEST_PASSWORD, from, code)));
    expect(racers.filter((c) => c.hasSession())).toHaveLength(1);
    // Replayed afterwards (seen over a shoulder, kept by a phishing form): refused.
    const replay = new HttpClient();
    expect(refusalOf(await replay.signIn(user.email, TEST_PASSWORD, from, code))).toBe("code_invalid");
    expect(replay.hasSession()).toBe(false);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).totpLastStep).not.toBeNull();
  });

  it("the form's second step carries a signed note instead of the password; a forged or voided note is refused", async () => {
    const { user, secret } = await enrolled();
    const pending = (await issuePendingSignIn(user.email, "default"))!;
    const post = async (fields: Record<string, string>) => {
      const client = new HttpClient();
      const { csrfToken } = (await (await client.fetch("/api/auth/csrf")).json()) as { csrfToken: string };
      const res = await client.fetch("/api/auth/callback/credentials", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": ip() },
        body: new URLSearchParams({ csrfToken, callbackUrl: "/dashboard", ...fields }).toString(),
      });
      return { client, res };
    };
    const forged = `${pending.split(".")[0]}.${"A".repeat(43)}`;
    expect(refusalOf((await post({ email: user.email, pending: forged, code: totpCode(secret) })).res)).toBe("invalid");
    // The note names its account: it does not sign in another.
    const other = await createUser();
    expect(refusalOf((await post({ email: other.email, pending, code: totpCode(secret) })).res)).toBe("invalid");
    const good = await post({ email: user.email, pending, code: await freshTestCode(user.email, secret) });
    expect(good.client.hasSession()).toBe(true);
    // A password reset (token version bump) voids notes issued before it.
    await db.user.update({ where: { id: user.id }, data: { tokenVersion: { increment: 1 } } });
    expect(refusalOf((await post({ email: user.email, pending, code: totpCode(secret) })).res)).toBe("invalid");
  });

  it("a recovery code signs in once", async () => {
    const { user, codes } = await enrolled();
    const first = new HttpClient();
    await first.signIn(user.email, TEST_PASSWORD, ip(), codes[3]!.toUpperCase());
    expect(first.hasSession()).toBe(true);
    const again = new HttpClient();
    expect(refusalOf(await again.signIn(user.email, TEST_PASSWORD, ip(), codes[3]!))).toBe("code_invalid");
    expect(await db.recoveryCode.count({ where: { userId: user.id, usedAt: null } })).toBe(9);
  });

  it("wrong codes are throttled like failed passwords: after 5, even the right code waits", async () => {
    const { user, secret } = await enrolled();
    const from = ip();
    const client = new HttpClient();
    for (let i = 0; i < 5; i++)
      expect(refusalOf(await client.signIn(user.email, TEST_PASSWORD, from, `12345${i}`))).toMatch(/code_invalid/);
    expect(refusalOf(await client.signIn(user.email, TEST_PASSWORD, from, totpCode(secret)))).toBe("rate_limited");
    expect(client.hasSession()).toBe(false);
  });
});

describe("two-step sign-in is required for admins", () => {
  it("an admin without it is sent to set it up from every admin page, and refused by admin routes and services", async () => {
    const admin = await createUser({ role: "admin", twoFactor: false });
    const target = await createUser();
    const client = new HttpClient();
    await client.signIn(admin.email, TEST_PASSWORD, ip(), "");
    expect(client.hasSession()).toBe(true);
    for (const page of ["/admin", "/admin/reports", "/admin/audit"]) {
      const res = await client.fetch(page);
      expect(res.headers.get("location")).toContain("/account/two-factor?required=1");
    }
    const res = await client.json(`/api/admin/users/${target.id}`, "PATCH", { status: "suspended", reason: "x" });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ details: { reason: "two_factor_required" } });
    expect(() => assertRole(admin, ["admin"])).toThrow(/two-step sign-in/);
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).status).toBe("active");
    // The set-up page itself is open to them.
    expect((await client.fetch("/account/two-factor?required=1")).status).toBe(200);

    // Another device signed in with the password alone before the admin enrolled (or a stolen cookie).
    const elsewhere = new HttpClient();
    await elsewhere.signIn(admin.email, TEST_PASSWORD, ip(), "");
    expect(elsewhere.hasSession()).toBe(true);
    // Enrolled from the first session, the same admin gets in there; the other session has ended, so it does
    // not become a two-step admin session without ever giving a code.
    const here = await db.authSession.findFirstOrThrow({
      where: { userId: admin.id, revokedAt: null },
      orderBy: { createdAt: "asc" },
    });
    await startTwoFactorEnrolment(admin);
    const { totpPendingSecret } = await db.user.findUniqueOrThrow({ where: { id: admin.id } });
    await confirmTwoFactor(admin, here.id, {
      code: totpCode(openTotpSecret(totpPendingSecret!, process.env.AUTH_SECRET!)!),
    });
    expect((await client.fetch("/admin")).status).toBe(200);
    const other = await elsewhere.fetch("/admin");
    expect(other.status).not.toBe(200);
    expect(await db.authSession.count({ where: { userId: admin.id, revokedAt: null } })).toBe(1);
  });

  it("an admin cannot turn it off; anyone else needs the password and a code", async () => {
    const admin = await createUser({ role: "admin" });
    expect(await statusOf(disableTwoFactor(admin, { password: TEST_PASSWORD, code: totpCode(TEST_TOTP_SECRET) }))).toBe(
      403,
    );
    const { user, secret } = await enrolled();
    expect(await statusOf(disableTwoFactor(user, { password: "not the password", code: totpCode(secret) }))).toBe(422);
    expect(await statusOf(disableTwoFactor(user, { password: TEST_PASSWORD, code: "000001" }))).toBe(422);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).totpEnabledAt).not.toBeNull();
    await disableTwoFactor(user, { password: TEST_PASSWORD, code: await freshTestCode(user.email, secret) });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ totpEnabledAt: null, totpSecret: null });
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    // And signing in needs only the password again.
    const client = new HttpClient();
    await client.signIn(user.email, TEST_PASSWORD, ip(), "");
    expect(client.hasSession()).toBe(true);
  });
});
