import { describe, expect, it } from "vitest";
import { SignInRefused, authenticate, registerUser } from "@/lib/auth/service";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { TEST_PASSWORD, createUser, uniqueEmail } from "../helpers/factories";
import { HttpClient } from "../helpers/http";

const ip = () => `198.51.100.${Math.floor(Math.random() * 250) + 1}`;

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
    const user = await registerUser({ name: "New Person", email, password: "long enough password" });
    expect(user.role).toBe("viewer");
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { email: true, passwordHash: true } });
    expect(row.email).toBe(email.toLowerCase());
    expect(row.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("answers a duplicate email with a field error that says what to do", async () => {
    const email = uniqueEmail("dup");
    await registerUser({ name: "First", email, password: "long enough password" });
    const err = await registerUser({ name: "Second", email, password: "long enough password" }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.fieldErrors.email[0]).toMatch(/already exists.*Sign in/);
  });
});

describe("sign-in", () => {
  it("accepts the right password and refuses a wrong one or an unknown email the same way", async () => {
    const user = await createUser();
    const addr = ip();
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, addr)).id).toBe(user.id);
    expect(await refusal(authenticate({ email: user.email, password: "wrong password" }, addr))).toBe("invalid");
    expect(await refusal(authenticate({ email: uniqueEmail("nobody"), password: "wrong password" }, addr))).toBe("invalid");
  });

  it("blocks an account after 5 failures, even with the right password, from any IP", async () => {
    const user = await createUser();
    for (let i = 0; i < 5; i++) expect(await refusal(authenticate({ email: user.email, password: "nope" }, ip()))).toBe("invalid");
    expect(await refusal(authenticate({ email: user.email, password: TEST_PASSWORD }, ip()))).toBe("rate_limited");
    // The count lives in PostgreSQL, so every app server sees it.
    const row = await db.rateLimit.findUnique({ where: { key: `signin:account:${user.email}` } });
    expect(row?.points).toBeGreaterThanOrEqual(5);
  });

  it("blocks an IP after 30 failures across many accounts", async () => {
    const addr = ip();
    for (let i = 0; i < 30; i++) await refusal(authenticate({ email: uniqueEmail("spray"), password: "nope" }, addr));
    const user = await createUser();
    expect(await refusal(authenticate({ email: user.email, password: TEST_PASSWORD }, addr))).toBe("rate_limited");
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, ip())).id).toBe(user.id);
  });

  it("clears an account's failures after a successful sign-in", async () => {
    const user = await createUser();
    for (let i = 0; i < 4; i++) await refusal(authenticate({ email: user.email, password: "nope" }, ip()));
    await authenticate({ email: user.email, password: TEST_PASSWORD }, ip());
    for (let i = 0; i < 4; i++) await refusal(authenticate({ email: user.email, password: "nope" }, ip()));
    expect((await authenticate({ email: user.email, password: TEST_PASSWORD }, ip())).id).toBe(user.id);
  });

  it("refuses a suspended account", async () => {
    const user = await createUser({ suspended: true });
    expect(await refusal(authenticate({ email: user.email, password: TEST_PASSWORD }, ip()))).toBe("suspended");
  });

  it("over HTTP: a wrong password gets next-auth's generic refusal and no session; the right one a session", async () => {
    const user = await createUser();
    const bad = new HttpClient();
    const res = await bad.signIn(user.email, "wrong password", ip());
    expect(res.headers.get("location")).toMatch(/\/signin\?error=CredentialsSignin&code=invalid/);
    expect(bad.hasSession()).toBe(false);

    const good = new HttpClient();
    await good.signIn(user.email, TEST_PASSWORD, ip());
    expect(good.hasSession()).toBe(true);
    const session = await (await good.fetch("/api/auth/session")).json();
    expect(session.user).toMatchObject({ id: user.id, role: "viewer" });
  });
});
