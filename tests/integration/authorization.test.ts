import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { applyAsCreator, decideApplication } from "@/lib/creators/applications";
import { saveOffering, updateProfile } from "@/lib/creators/service";
import { changeUserRole, setUserStatus, updateUser } from "@/lib/users/service";
import { TEST_PASSWORD, createCreator, createUser } from "../helpers/factories";
import { expectFault } from "../helpers/faults";
import { HttpClient, callServerAction } from "../helpers/http";

async function statusOf(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  return err instanceof AppError ? err.status : err ? "crash" : 200;
}

async function signedIn(user: { email: string }) {
  const client = new HttpClient();
  await client.signIn(user.email, TEST_PASSWORD, `192.0.2.${Math.floor(Math.random() * 250) + 1}`);
  expect(client.hasSession()).toBe(true);
  return client;
}

describe("role rules in the services (what every action and route calls)", () => {
  it("a viewer or creator calling an admin service gets 403, and nothing changes", async () => {
    const target = await createUser();
    for (const role of ["viewer", "creator"] as const) {
      const actor = await createUser({ role });
      expect(await statusOf(changeUserRole(actor, { userId: target.id, role: "admin" }))).toBe(403);
      expect(await statusOf(setUserStatus(actor, { userId: target.id, status: "suspended" }))).toBe(403);
      expect(await statusOf(decideApplication(actor, { applicationId: "x", decision: "approve" }))).toBe(403);
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: target.id }, select: { role: true, status: true } })).toEqual(
      { role: "viewer", status: "active" },
    );
  });

  it("a suspended admin is refused even with a live actor object", async () => {
    const admin = await createUser({ role: "admin", suspended: true });
    const target = await createUser();
    expect(await statusOf(changeUserRole(admin, { userId: target.id, role: "creator" }))).toBe(403);
  });

  it("a viewer cannot edit a creator profile; a creator cannot edit another creator's offering", async () => {
    const viewer = await createUser();
    expect(await statusOf(updateProfile(viewer, { slug: "sneaky", displayName: "x", timeZone: "UTC" }))).toBe(403);
    const a = await createCreator();
    const b = await createCreator();
    const offering = await saveOffering(a.user, {
      kind: "private_session",
      title: "Mine",
      durationMinutes: "30",
      price: "20.00",
      currency: "USD",
      active: "on",
    });
    expect(
      await statusOf(
        saveOffering(b.user, {
          id: offering.id,
          kind: "private_session",
          title: "Stolen",
          durationMinutes: "30",
          price: "1.00",
          currency: "USD",
        }),
      ),
    ).toBe(404);
    expect((await db.offering.findUniqueOrThrow({ where: { id: offering.id } })).title).toBe("Mine");
  });

  it("an admin can't suspend or demote themselves", async () => {
    const admin = await createUser({ role: "admin" });
    expect(await statusOf(setUserStatus(admin, { userId: admin.id, status: "suspended" }))).toBe(409);
    expect(await statusOf(changeUserRole(admin, { userId: admin.id, role: "viewer" }))).toBe(409);
  });

  it("updateUser is all or nothing: a failure in the status step undoes the role change", async () => {
    const admin = await createUser({ role: "admin" });
    const target = await createUser();
    const marker = `fail-${target.id}`;
    // Make the database refuse the suspension's audit row (only this test's), after the role step succeeded.
    await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION test_refuse_marked() RETURNS trigger AS $$
      BEGIN IF NEW.reason = '${marker}' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END; $$ LANGUAGE plpgsql`);
    await db.$executeRawUnsafe(
      `CREATE OR REPLACE TRIGGER test_refuse_marked BEFORE INSERT ON moderation_actions FOR EACH ROW EXECUTE FUNCTION test_refuse_marked()`,
    );
    try {
      await expect(
        updateUser(admin, target.id, { role: "creator", status: "suspended", reason: marker }),
      ).rejects.toThrow(/refused for the test/);
    } finally {
      await db.$executeRawUnsafe(`DROP TRIGGER test_refuse_marked ON moderation_actions`);
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: target.id }, select: { role: true, status: true } })).toEqual(
      { role: "viewer", status: "active" },
    );
    expect(await db.moderationAction.count({ where: { targetUserId: target.id } })).toBe(0);
  });

  it("two admins suspending at once change and log it once", async () => {
    const a = await createUser({ role: "admin" });
    const b = await createUser({ role: "admin" });
    const target = await createUser();
    await Promise.all([
      setUserStatus(a, { userId: target.id, status: "suspended" }),
      setUserStatus(b, { userId: target.id, status: "suspended" }),
    ]);
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).tokenVersion).toBe(1);
    expect(await db.moderationAction.count({ where: { targetUserId: target.id, type: "suspend" } })).toBe(1);
  });

  it("suspension bumps the token version and is logged as a moderation action; reinstating clears it", async () => {
    const admin = await createUser({ role: "admin" });
    const target = await createUser();
    await setUserStatus(admin, { userId: target.id, status: "suspended", reason: "spam" });
    const row = await db.user.findUniqueOrThrow({ where: { id: target.id } });
    expect(row).toMatchObject({ status: "suspended", tokenVersion: 1, suspendedReason: "spam" });
    await setUserStatus(admin, { userId: target.id, status: "active" });
    expect(await db.user.findUniqueOrThrow({ where: { id: target.id } })).toMatchObject({
      status: "active",
      tokenVersion: 1,
      suspendedReason: null,
    });
    const actions = await db.moderationAction.findMany({
      where: { targetUserId: target.id },
      orderBy: { createdAt: "asc" },
      select: { type: true, actorId: true },
    });
    expect(actions).toEqual([
      { type: "suspend", actorId: admin.id },
      { type: "reinstate", actorId: admin.id },
    ]);
  });
});

describe("creator applications", () => {
  it("a viewer applies once; an admin approves; they become a creator with a draft profile", async () => {
    const viewer = await createUser({ name: "Ann Applicant" });
    const admin = await createUser({ role: "admin" });
    const app = await applyAsCreator(viewer, {
      displayName: "Ann Paints",
      pitch: "Watercolour lessons for beginners, every week.",
    });
    expect(
      await statusOf(applyAsCreator(viewer, { displayName: "Again", pitch: "A second application while one waits." })),
    ).toBe(409);

    await decideApplication(admin, { applicationId: app.id, decision: "approve" });
    expect(await statusOf(decideApplication(admin, { applicationId: app.id, decision: "decline" }))).toBe(409);
    const user = await db.user.findUniqueOrThrow({
      where: { id: viewer.id },
      select: { role: true, creatorProfile: { select: { slug: true, published: true } } },
    });
    expect(user.role).toBe("creator");
    expect(user.creatorProfile).toMatchObject({ published: false });
    expect(user.creatorProfile!.slug).toMatch(/^ann-paints/);
  });

  it("approving does not demote an applicant who was made admin meanwhile", async () => {
    const viewer = await createUser();
    const admin = await createUser({ role: "admin" });
    const app = await applyAsCreator(viewer, { displayName: "Cara", pitch: "Pottery for complete beginners." });
    await changeUserRole(admin, { userId: viewer.id, role: "admin" });
    expect(await statusOf(decideApplication(admin, { applicationId: app.id, decision: "approve" }))).toBe(409);
    expect((await db.user.findUniqueOrThrow({ where: { id: viewer.id } })).role).toBe("admin");
  });

  it("a declined applicant stays a viewer and may apply again", async () => {
    const viewer = await createUser();
    const admin = await createUser({ role: "admin" });
    const app = await applyAsCreator(viewer, { displayName: "Bob", pitch: "I would like to teach chess openings." });
    await decideApplication(admin, { applicationId: app.id, decision: "decline", note: "Add a sample video first." });
    expect((await db.user.findUniqueOrThrow({ where: { id: viewer.id } })).role).toBe("viewer");
    await expect(
      applyAsCreator(viewer, { displayName: "Bob", pitch: "Now with a sample video linked." }),
    ).resolves.toMatchObject({ status: "pending" });
  });
});

describe("role and suspension rules over HTTP (route handlers and pages)", () => {
  it("PATCH /api/admin/users/:id: anonymous 401, viewer 403, admin 200, bad body 422", async () => {
    const target = await createUser();
    const anonymous = new HttpClient();
    expect((await anonymous.json(`/api/admin/users/${target.id}`, "PATCH", { role: "creator" })).status).toBe(401);

    const viewer = await signedIn(await createUser());
    const refused = await viewer.json(`/api/admin/users/${target.id}`, "PATCH", { role: "admin" });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toMatch(/permission/);

    const admin = await signedIn(await createUser({ role: "admin" }));
    const bad = await admin.json(`/api/admin/users/${target.id}`, "PATCH", { role: "emperor" });
    expect(bad.status).toBe(422);
    expect((await bad.json()).fieldErrors.role[0]).toMatch(/viewer, creator or admin/);
    const notJson = await admin.fetch(`/api/admin/users/${target.id}`, {
      method: "PATCH",
      body: "{oops",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);

    const ok = await admin.json(`/api/admin/users/${target.id}`, "PATCH", { role: "creator" });
    expect(ok.status).toBe(200);
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("creator");
  });

  it("pages check the role themselves: a viewer gets 403 from /admin and /studio", async () => {
    const viewer = await signedIn(await createUser());
    expect((await viewer.fetch("/admin")).status).toBe(403);
    expect((await viewer.fetch("/studio")).status).toBe(403);
    expect((await viewer.fetch("/dashboard")).status).toBe(200);
  });

  it("a suspended user is refused at their very next request, with the session cleared", async () => {
    const user = await createUser({ role: "admin" });
    const client = await signedIn(user);
    const target = await createUser();
    expect((await client.json(`/api/admin/users/${target.id}`, "PATCH", { status: "suspended" })).status).toBe(200);

    // Another admin suspends this one, through the same API.
    const other = await signedIn(await createUser({ role: "admin" }));
    expect(
      (await other.json(`/api/admin/users/${user.id}`, "PATCH", { status: "suspended", reason: "compromised" })).status,
    ).toBe(200);
    const api = await client.json(`/api/admin/users/${target.id}`, "PATCH", { status: "active" });
    expect(api.status).toBe(403);
    expect((await api.json()).error).toMatch(/suspended/);

    const page = await client.fetch("/dashboard");
    expect(page.status).toBe(307);
    expect(page.headers.get("location")).toMatch(/\/auth\/ended\?reason=suspended$/);
    const ended = await client.fetch("/auth/ended?reason=suspended");
    expect(ended.headers.get("location")).toMatch(/\/signin\?reason=suspended$/);
    expect(client.hasSession()).toBe(false);
  });

  it("a role change applies at the next request, whatever the session cookie says", async () => {
    const user = await createUser({ role: "admin" });
    const client = await signedIn(user);
    const target = await createUser();
    await db.user.update({ where: { id: user.id }, data: { role: "viewer" } });
    expect((await client.json(`/api/admin/users/${target.id}`, "PATCH", { role: "creator" })).status).toBe(403);
    expect((await client.fetch("/admin")).status).toBe(403);
  });

  it("PATCH changes role and status together or not at all", async () => {
    const admin = await signedIn(await createUser({ role: "admin" }));
    const target = await createUser();
    const res = await admin.json(`/api/admin/users/${target.id}`, "PATCH", {
      role: "creator",
      status: "suspended",
      reason: "x".repeat(501),
    });
    expect(res.status).toBe(422);
    expect(await db.user.findUniqueOrThrow({ where: { id: target.id }, select: { role: true, status: true } })).toEqual(
      { role: "viewer", status: "active" },
    );
    const ok = await admin.json(`/api/admin/users/${target.id}`, "PATCH", {
      role: "creator",
      status: "suspended",
      reason: "spam",
    });
    expect(await ok.json()).toMatchObject({ user: { id: target.id, role: "creator", status: "suspended" } });
  });

  it("sign-in never redirects off-site, however the callback is disguised", async () => {
    const client = await signedIn(await createUser());
    for (const callbackUrl of ["//evil.example", "/\t/evil.example", "/\\evil.example", "https://evil.example/"]) {
      const res = await client.fetch(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      expect(res.status).toBe(307);
      expect(res.headers.get("location"), callbackUrl).toBe("/dashboard");
    }
    // Wherever it goes, it stays on our origin.
    for (const callbackUrl of ["/.//evil.example", "/x/..//evil.example"]) {
      const location = (await client.fetch(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`)).headers.get(
        "location",
      )!;
      expect(new URL(location, "http://booth.test").origin, callbackUrl).toBe("http://booth.test");
    }
    expect(
      (await client.fetch(`/signin?callbackUrl=${encodeURIComponent("/creators?x=1")}`)).headers.get("location"),
    ).toBe("/creators?x=1");
  });

  it("/auth/ended leaves a live session alone (a link elsewhere cannot sign you out)", async () => {
    const client = await signedIn(await createUser());
    const res = await client.fetch("/auth/ended?reason=suspended");
    expect(res.headers.get("location")).toBe("/");
    expect(client.hasSession()).toBe(true);
    expect((await client.fetch("/dashboard")).status).toBe(200);
  });

  it("revoking sessions (token version bump) signs out an active user too", async () => {
    const user = await createUser();
    const client = await signedIn(user);
    await db.user.update({ where: { id: user.id }, data: { tokenVersion: { increment: 1 } } });
    const page = await client.fetch("/dashboard");
    expect(page.headers.get("location")).toMatch(/\/auth\/ended\?reason=revoked$/);
  });
});

describe("server actions over HTTP, as the browser calls them", () => {
  it("a viewer calling the admin's change-role and suspend actions is refused (403) and nothing changes", async () => {
    const target = await createUser();
    const viewer = await signedIn(await createUser());
    const role = await callServerAction(
      viewer,
      "lib/users/actions.ts",
      "changeRoleAction",
      { userId: target.id, role: "admin" },
      "/admin",
    );
    expect(role.text).toMatch(/You don't have permission to do that/);
    const status = await callServerAction(
      viewer,
      "lib/users/actions.ts",
      "setStatusAction",
      { userId: target.id, status: "suspended" },
      "/admin",
    );
    expect(status.text).toMatch(/You don't have permission to do that/);
    expect(await db.user.findUniqueOrThrow({ where: { id: target.id }, select: { role: true, status: true } })).toEqual(
      { role: "viewer", status: "active" },
    );
  });

  it("the same action works for an admin, and refuses anyone signed out", async () => {
    const target = await createUser();
    const admin = await signedIn(await createUser({ role: "admin" }));
    const ok = await callServerAction(
      admin,
      "lib/users/actions.ts",
      "changeRoleAction",
      { userId: target.id, role: "creator" },
      "/admin",
    );
    expect(ok.text).toMatch(/Role changed to creator/);
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("creator");
    // proxy.ts sends cookie-less requests to /signin before they reach the action; a forged cookie
    // gets past that convenience, so this checks the action's own refusal.
    const forged = new HttpClient();
    forged.setCookie("authjs.session-token", "forged");
    const anonymous = await callServerAction(
      forged,
      "lib/users/actions.ts",
      "changeRoleAction",
      { userId: target.id, role: "admin" },
      "/admin",
    );
    expect(anonymous.text).toMatch(/Sign in to continue/);
    expect((await db.user.findUniqueOrThrow({ where: { id: target.id } })).role).toBe("creator");
  });

  it("a viewer applies and an admin approves, through the actions the pages use", async () => {
    const user = await createUser({ name: "Action Applicant" });
    const viewer = await signedIn(user);
    const applied = await callServerAction(
      viewer,
      "lib/creators/actions.ts",
      "applyAsCreatorAction",
      { displayName: "Action Applicant", pitch: "Live cooking classes, twice a week." },
      "/dashboard",
    );
    expect(applied.text).toMatch(/Application sent/);
    const app = await db.creatorApplication.findFirstOrThrow({ where: { userId: user.id }, select: { id: true } });

    // A viewer cannot decide their own application.
    expect(
      (
        await callServerAction(
          viewer,
          "lib/creators/actions.ts",
          "decideApplicationAction",
          { applicationId: app.id, decision: "approve" },
          "/admin",
        )
      ).text,
    ).toMatch(/You don't have permission to do that/);
    const admin = await signedIn(await createUser({ role: "admin" }));
    const decided = await callServerAction(
      admin,
      "lib/creators/actions.ts",
      "decideApplicationAction",
      { applicationId: app.id, decision: "approve" },
      "/admin",
    );
    expect(decided.text).toMatch(/Approved/);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe("creator");
  });

  it("a creator's studio actions refuse a viewer", async () => {
    const viewer = await signedIn(await createUser());
    const res = await callServerAction(
      viewer,
      "lib/creators/actions.ts",
      "saveOfferingAction",
      { kind: "private_session", title: "x", durationMinutes: "30", price: "10", currency: "USD" },
      "/studio",
    );
    expect(res.text).toMatch(/You don't have permission to do that/);
  });
});

describe("health", () => {
  it("reports a missing livekit-server as degraded, naming the failed check", async () => {
    const { checkHealth } = await import("@/lib/ops/health");
    const health = await expectFault("livekit-server does not answer the health check", () =>
      checkHealth({ url: "ws://127.0.0.1:65535", key: "devkey", secret: "x".repeat(32) }),
    );
    expect(health.status).toBe("degraded");
    expect(health.checks.database.ok).toBe(true);
    expect(health.checks.livekit).toMatchObject({ ok: false, error: "unreachable" });
  });
});

describe("GET /api/health", () => {
  it("reports the real database and livekit-server as reachable", async () => {
    const res = await new HttpClient().fetch("/api/health");
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: "ok", checks: { database: { ok: true }, livekit: { ok: true } } });
    expect(res.headers.get("x-request-id")).toMatch(/^[\w-]{8,64}$/);
  });
});
