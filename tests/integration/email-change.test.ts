import { describe, expect, it } from "vitest";
import { EMAIL_CHANGE_LINK_INVALID, confirmEmailChange, requestEmailChange } from "@/lib/auth/email-change";
import { db } from "@/lib/db";
import { TEST_PASSWORD, createUser, uniqueEmail } from "../helpers/factories";
import { HttpClient, callServerAction } from "../helpers/http";

// Changing the email address: confirmed by a link sent to the new address; the old one is told.

async function linkTo(to: string) {
  const mail = await db.emailMessage.findFirstOrThrow({
    where: { toAddress: to, subject: { startsWith: "Confirm your new email address" } },
    orderBy: { createdAt: "desc" },
    select: { textBody: true },
  });
  return /\/confirm-email-change\?token=([A-Za-z0-9_-]+)/.exec(mail.textBody)![1]!;
}

describe("changing the email address", () => {
  it("needs the current password, changes only when the new address's link is used, once, and tells the old address", async () => {
    const user = await createUser();
    const next = uniqueEmail("moved");
    const wrong = await requestEmailChange(user, { newEmail: next, currentPassword: "nope nope" }).catch((e) => e);
    expect(wrong.fieldErrors.currentPassword[0]).toBe("That is not your current password.");
    expect(await requestEmailChange(user, { newEmail: next, currentPassword: TEST_PASSWORD })).toMatch(
      /We sent a link to .*Your address changes when you open it/,
    );
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe(user.email);
    const token = await linkTo(next);
    expect((await new HttpClient().fetch(`/confirm-email-change?token=${token}`)).status).toBe(200);
    const res = await callServerAction(
      new HttpClient(),
      "lib/auth/actions.ts",
      "confirmEmailChangeAction",
      { token },
      "/confirm-email-change",
    );
    expect(res.text).toContain(`Your email address is now ${next}`);
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.email).toBe(next);
    expect(row.emailVerifiedAt).toBeInstanceOf(Date);
    expect(
      await db.emailMessage.count({
        where: { toAddress: user.email, subject: { contains: "email address was changed" } },
      }),
    ).toBe(1);
    await expect(confirmEmailChange({ token })).rejects.toThrow(EMAIL_CHANGE_LINK_INVALID);
  });

  it("answers the same for an address that has an account, and sends it nothing", async () => {
    const user = await createUser();
    const other = await createUser();
    expect(await requestEmailChange(user, { newEmail: other.email, currentPassword: TEST_PASSWORD })).toMatch(
      /We sent a link to/,
    );
    expect(
      await db.emailMessage.count({ where: { toAddress: other.email, subject: { startsWith: "Confirm your new" } } }),
    ).toBe(0);
  });

  it("the account page's form takes a bad address as a field error", async () => {
    const user = await createUser();
    const c = new HttpClient();
    await c.signIn(user.email, TEST_PASSWORD, "198.18.230.7");
    const res = await callServerAction(
      c,
      "lib/auth/actions.ts",
      "changeEmailAction",
      { newEmail: "not-an-address", currentPassword: TEST_PASSWORD },
      "/account",
    );
    expect(res.text).toMatch(/"fieldErrors":\{"newEmail":\["Enter an email address like name@example.com"\]/);
  });
});
