import { describe, expect, it } from "vitest";
import { SignInRefused, authenticate, registerUser } from "@/lib/auth/service";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { deleteOwnAccount } from "@/lib/users/delete-account";
import { TEST_PASSWORD, createCreator, createUser } from "../helpers/factories";
import { HttpClient, callServerAction } from "../helpers/http";
import { paidSession } from "../helpers/sessions";

// Deleting one's own account anonymises it: records stay, the person's name, address and access go.

let n = 0;
const ip = () => `198.18.${240 + Math.floor(n / 250)}.${(n++ % 250) + 1}`;

describe("deleting an account", () => {
  it("anonymises the user, ends every session, frees the address and mails the old one; past records stay", async () => {
    const s = await paidSession({ startsInMinutes: -120, durationMinutes: 30, status: "completed" });
    const viewer = s.viewer;
    const c = new HttpClient();
    await c.signIn(viewer.email, TEST_PASSWORD, ip());
    const res = await callServerAction(
      c,
      "lib/users/actions.ts",
      "deleteAccountAction",
      { currentPassword: TEST_PASSWORD, confirm: "on" },
      "/account",
    );
    expect(res.text).not.toMatch(/Something went wrong/);
    const row = await db.user.findUniqueOrThrow({ where: { id: viewer.id } });
    expect(row).toMatchObject({ name: "Deleted user", email: `deleted-${viewer.id}@deleted.invalid` });
    expect(row.deletedAt).toBeInstanceOf(Date);
    expect(await db.authSession.count({ where: { userId: viewer.id, revokedAt: null } })).toBe(0);
    expect(((await (await c.fetch("/api/auth/session")).json()) as { user?: unknown } | null)?.user).toBeUndefined();
    const refused = await authenticate({ email: viewer.email, password: TEST_PASSWORD }, ip(), "default").catch(
      (e) => e,
    );
    expect(refused).toBeInstanceOf(SignInRefused);
    // The booking and its payment are still there, linked to the anonymised row.
    expect((await db.booking.findUniqueOrThrow({ where: { id: s.booking.id } })).viewerId).toBe(viewer.id);
    expect(
      await db.emailMessage.count({ where: { toAddress: viewer.email, subject: { contains: "was deleted" } } }),
    ).toBe(1);
    // The address can make a new account.
    const again = await registerUser(
      { name: "Back Again", email: viewer.email, password: "a brand new sturdy secret", acceptTerms: "on" },
      ip(),
      "default",
    );
    expect(again.userId).not.toBeNull();
  });

  it("needs the current password and the confirmation; refuses while something is ahead, and for admins", async () => {
    const user = await createUser();
    const wrong = await deleteOwnAccount(user, { currentPassword: "nope", confirm: "on" }).catch((e) => e);
    expect(wrong.fieldErrors.currentPassword[0]).toBe("That is not your current password.");
    const unconfirmed = await deleteOwnAccount(user, { currentPassword: TEST_PASSWORD }).catch((e) => e);
    expect(unconfirmed.issues[0].path).toEqual(["confirm"]);

    const s = await paidSession({ startsInMinutes: 60 });
    for (const who of [s.viewer, s.creator.user]) {
      const err = await deleteOwnAccount(who, { currentPassword: TEST_PASSWORD, confirm: "on" }).catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err.status).toBe(409);
      expect(err.message).toMatch(/Cancel them first/);
    }
    expect((await db.user.findUniqueOrThrow({ where: { id: s.viewer.id } })).deletedAt).toBeNull();

    const admin = await createUser({ role: "admin" });
    expect(
      (await deleteOwnAccount(admin, { currentPassword: TEST_PASSWORD, confirm: "on" }).catch((e) => e)).status,
    ).toBe(409);
  });

  it("a creator's profile is unpublished and stripped", async () => {
    const c = await createCreator();
    await deleteOwnAccount(c.user, { currentPassword: TEST_PASSWORD, confirm: "on" });
    expect(await db.creatorProfile.findUniqueOrThrow({ where: { id: c.profile.id } })).toMatchObject({
      published: false,
      displayName: "Deleted creator",
      bio: "",
    });
  });
});
