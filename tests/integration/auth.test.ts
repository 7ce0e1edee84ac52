import { describe, expect, it } from "vitest";
import { SignInRefused, authenticate, registerUser } from "@/lib/auth/service";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { TEST_PASSWORD, createUser, uniqueEmail } from "../helpers/factories";
import { HttpClient } from "../helpers/http";

// A new address for every use, so no two tests share a per-IP budget.
let ipCount = 0;
const ip = () => `198.51.${100 + Math.floor(ipCount / 250)}.${(ipCount++ % 250) + 1}`;

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (err) {
    if (err instanceof SignInRefused) return err.reason;
    throw err;
  }
  return "accepted";
}

describe("sign-up", () => {
  it("creates a viewer with an argon2id hash and a lower-cased email", async () => {
    const email = uniqueEmail("Signup").toUpperCase();
    const { userId } = await registerUser(
      { name: "New Person", email, password: "long enough password", acceptTerms: "on" },
      ip(),
      "default",
    );
    const row = await db.user.findUniqueOrThrow({
      where: { id: userId! },
      select: { email: true, passwordHash: true, role: true },
    });
    expect(row.role).toBe("viewer");
    expect(row.email).toBe(email.toLowerCase());
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("answers a taken email exactly as a new one, creates nothing, and mails the owner instead", async () => {
    const email = uniqueEmail("dup");
    const first = await registerUser(
      { name: "First", email, password: "long enough password", acceptTerms: "on" },
      ip(),
      "default",
    );
    const second = await registerUser(
      { name: "Second", email, password: "another long password", acceptTerms: "on" },
      ip(),
      "default",
    );
    expect(second.message).toBe(first.message);
    expect(second.userId).toBeNull();
    expect(await db.user.count({ where: { email } })).toBe(1);
    const mails = await db.emailMessage.findMany({
      where: { toAddress: email },
      orderBy: { createdAt: "asc" },
      select: { subject: true },
    });
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Welcome to .+: confirm your email$/),
      expect.stringMatching(/^You already have an? .+ account$/),
    ]);
  });
});

it("throttles sign-ups per IP (10 an hour)", async () => {
  const addr = ip();
  for (let i = 0; i < 10; i++)
    await registerUser(
      { name: "Bulk", email: uniqueEmail("bulk"), password: "long enough password", acceptTerms: "on" },
      addr,
      "default",
    );
  const err = await registerUser(
    { name: "Bulk", email: uniqueEmail("bulk"), password: "long enough password", acceptTerms: "on" },
    addr,
    "default",
  ).catch((e) => e);
  expect(err).toBeInstanceOf(AppError);
  expect(err.status).toBe(429);
  await expect(
    registerUser(
      { name: "Other", email: uniqueEmail("other"), password: "long enough password", acceptTerms: "on" },
      ip(),
      "default",
    ),
  ).resolves.toBeTruthy();
});

describe("sign-in", () => {
  it("accepts the right password and refuses a wrong one or an unknown email the same way", async () => {
    const user = await createUser();
    const addr = ip();
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, addr, "default")).id).toBe(user.id);
    expect(await refusal(authenticate({ email: user.email, password: "wrong password" }, addr, "default"))).toBe(
      "invalid",
    );
    expect(
      await refusal(authenticate({ email: uniqueEmail("nobody"), password: "wrong password" }, addr, "default")),
    ).toBe("invalid");
  });

  it("blocks an account after 5 failures, even with the right password, from any IP", async () => {
    const user = await createUser();
    for (let i = 0; i < 5; i++)
      expect(await refusal(authenticate({ email: user.email, password: "nope" }, ip(), "default"))).toBe("invalid");
    expect(await refusal(authenticate({ email: user.email, password: TEST_PASSWORD }, ip(), "default"))).toBe(
      "rate_limited",
    );
    // The count lives in PostgreSQL, so every app server sees it.
    const row = await db.rateLimit.findUnique({ where: { key: `signin:account:${user.email}` } });
    expect(row?.points).toBeGreaterThanOrEqual(5);
  });

  it("a burst of 20 parallel guesses gets at most 5 password checks; the rest are refused", async () => {
    const user = await createUser();
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        refusal(authenticate({ email: user.email, password: "guess" }, ip(), "default")),
      ),
    );
    expect(results.filter((r) => r === "invalid")).toHaveLength(5);
    expect(results.filter((r) => r === "rate_limited")).toHaveLength(15);
    expect(await refusal(authenticate({ email: user.email, password: TEST_PASSWORD }, ip(), "default"))).toBe(
      "rate_limited",
    );
  });

  it("blocks an IP after 30 failures across many accounts", async () => {
    const addr = ip();
    for (let i = 0; i < 30; i++)
      await refusal(authenticate({ email: uniqueEmail("spray"), password: "nope" }, addr, "default"));
    const user = await createUser();
    expect(await refusal(authenticate({ email: user.email, password: TEST_PASSWORD }, addr, "default"))).toBe(
      "rate_limited",
    );
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, ip(), "default")).id).toBe(user.id);
  });

  it("clears an account's failures after a successful sign-in", async () => {
    const user = await createUser();
    for (let i = 0; i < 4; i++) await refusal(authenticate({ email: user.email, password: "nope" }, ip(), "default"));
    await authenticate({ email: user.email, password: TEST_PASSWORD }, ip(), "default");
    for (let i = 0; i < 4; i++) await refusal(authenticate({ email: user.email, password: "nope" }, ip(), "default"));
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, ip(), "default")).id).toBe(user.id);
  });

  it("refuses a suspended account", async () => {
    const user = await createUser({ suspended: true });
    expect(await refusal(authenticate({ email: user.email, password: TEST_PASSWORD }, ip(), "default"))).toBe(
      "suspended",
    );
  });

  it("over HTTP: a wrong password gets next-auth's generic refusal and no session; the right one a session", async () => {
    const user = await createUser();
    const bad = new HttpClient();
    const res = await bad.signIn(user.email, "wrong password", ip());
    expect(res.headers.get("location")).toMatch(/\/signin\?error=CredentialsSignin&code=invalid/);
    expect(bad.hasSession()).toBe(false);

    const stranger = new HttpClient();
    const unknown = await stranger.signIn(uniqueEmail("nobody"), "wrong password", ip());
    expect(unknown.headers.get("location")).toBe(res.headers.get("location"));

    const good = new HttpClient();
    await good.signIn(user.email, TEST_PASSWORD, ip());
    expect(good.hasSession()).toBe(true);
    const session = await (await good.fetch("/api/auth/session")).json();
    expect(session.user).toMatchObject({ id: user.id, role: "viewer" });
  });

  it("over HTTP: the per-IP budget follows the address our proxy appended, not what the client wrote", async () => {
    // npm test runs the app with TRUSTED_PROXY_HOPS=1: the rightmost X-Forwarded-For entry is the proxy's.
    const real = ip();
    const client = new HttpClient();
    for (let i = 0; i < 30; i++) await client.signIn(uniqueEmail("spray"), "wrong password", `10.9.${i}.1, ${real}`);
    const user = await createUser();
    const res = await client.signIn(user.email, TEST_PASSWORD, `10.9.99.1, ${real}`);
    expect(res.headers.get("location")).toMatch(/code=rate_limited/);
    expect(client.hasSession()).toBe(false);
  });
});
