import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { HttpClient, callServerAction } from "../helpers/http";
import { paidSession } from "../helpers/sessions";

// Account settings at /account: name, password (with the current one), and "download my data".

let n = 0;
const ip = () => `198.18.${180 + Math.floor(n / 250)}.${(n++ % 250) + 1}`;

async function signedIn(user: { email: string }, password = TEST_PASSWORD) {
  const c = new HttpClient();
  await c.signIn(user.email, password, ip());
  expect(c.hasSession()).toBe(true);
  return c;
}

const sessionUser = async (c: HttpClient) =>
  ((await (await c.fetch("/api/auth/session")).json()) as { user?: { id: string } } | null)?.user?.id ?? null;

describe("account settings", () => {
  it("changes the name; an empty one is refused by name", async () => {
    const user = await createUser({ name: "Old Name" });
    const c = await signedIn(user);
    const ok = await callServerAction(c, "lib/auth/actions.ts", "changeNameAction", { name: "New Name" }, "/account");
    expect(ok.text).toContain("Name saved.");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBe("New Name");
    const bad = await callServerAction(c, "lib/auth/actions.ts", "changeNameAction", { name: " " }, "/account");
    expect(bad.text).toMatch(/"fieldErrors":\{"name":\["Enter your name"\]/);
  });

  it("changes the password only with the current one; other devices are signed out, this one stays", async () => {
    const user = await createUser();
    const here = await signedIn(user);
    const elsewhere = await signedIn(user);
    const wrong = await callServerAction(
      here,
      "lib/auth/actions.ts",
      "changePasswordAction",
      { currentPassword: "not my password", newPassword: "a completely new secret" },
      "/account",
    );
    expect(wrong.text).toMatch(/"fieldErrors":\{"currentPassword":\["That is not your current password."\]/);
    const ok = await callServerAction(
      here,
      "lib/auth/actions.ts",
      "changePasswordAction",
      { currentPassword: TEST_PASSWORD, newPassword: "a completely new secret" },
      "/account",
    );
    expect(ok.text).toContain("Password changed. 1 other device was signed out.");
    expect(await sessionUser(here)).toBe(user.id);
    expect(await sessionUser(elsewhere)).toBeNull();
    await signedIn(user, "a completely new secret");
    expect(
      await db.emailMessage.count({ where: { toAddress: user.email, subject: { contains: "password was changed" } } }),
    ).toBe(1);
  });

  it("downloads the user's own data as JSON, without secrets; signed out gets sent to sign in", async () => {
    const s = await paidSession({ startsInMinutes: 60 });
    const c = await signedIn(s.viewer);
    const res = await c.fetch("/account/export");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="my-data-/);
    const text = await res.text();
    const data = JSON.parse(text) as { email: string; bookings: { id: string }[]; payments: unknown[] };
    expect(data.email).toBe(s.viewer.email);
    expect(data.bookings.map((b) => b.id)).toEqual([s.booking.id]);
    expect(data.payments).toHaveLength(1);
    expect(text).not.toMatch(/passwordHash|argon2|tokenHash/);
    expect((await new HttpClient().fetch("/account/export")).status).toBe(307);
  });
});
