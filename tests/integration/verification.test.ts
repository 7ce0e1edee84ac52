import { describe, expect, it } from "vitest";
import { updateProfile } from "@/lib/creators/service";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { scheduleShow } from "@/lib/shows/service";
import { storage } from "@/lib/storage";
import { decideVerification, sweepVerificationDocuments } from "@/lib/verification/service";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { HttpClient } from "../helpers/http";

// Creator verification with the manual provider: uploads over HTTP into the storage module (the suite's local
// disk under its temporary folder), an admin's signed links, the gate on publishing and going live, and the sweep.

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(2000, 7)]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(500, 1)]);

async function statusOf(p: Promise<unknown>) {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  return err instanceof AppError ? err.status : err ? "crash" : 200;
}

let ip = 0;
async function signedIn(email: string) {
  const c = new HttpClient();
  await c.signIn(email, TEST_PASSWORD, `203.0.113.${(ip++ % 200) + 30}`);
  if (!c.hasSession()) throw new Error(`sign-in of ${email} failed`);
  return c;
}

function upload(c: HttpClient, files: { document?: Buffer; selfie?: Buffer; documentName?: string }) {
  const form = new FormData();
  if (files.document)
    form.append("document", new Blob([new Uint8Array(files.document)]), files.documentName ?? "id.jpg");
  if (files.selfie) form.append("selfie", new Blob([new Uint8Array(files.selfie)]), "selfie.png");
  return c.fetch("/api/verification", { method: "POST", body: form });
}

async function unverifiedCreator() {
  const user = await createUser({ role: "creator", unverifiedCreator: true, name: "New Creator" });
  await db.creatorProfile.create({
    data: { userId: user.id, slug: `n-${user.id.slice(-10)}`, displayName: "New Creator", timeZone: "Europe/Berlin" },
  });
  return user;
}

describe("creator verification", () => {
  it("an unverified creator cannot publish, sell or go live; uploads refuse wrong types and oversize files", async () => {
    const creator = await unverifiedCreator();
    expect(
      await statusOf(
        updateProfile(creator, {
          slug: `n-${creator.id.slice(-10)}`,
          displayName: "New",
          timeZone: "UTC",
          published: "on",
        }),
      ),
    ).toBe(403);
    expect(await statusOf(scheduleShow(creator, { offeringId: "x", startsAt: new Date().toISOString() }))).toBe(403);
    const c = await signedIn(creator.email);
    // A file named .jpg that is HTML inside, a missing selfie, a PDF selfie is fine but a GIF is not.
    const html = Buffer.from("<html><script>alert(1)</script></html>");
    let res = await upload(c, { document: html, selfie: PNG });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      fieldErrors: { document: [expect.stringMatching(/JPEG or PNG photo, or a PDF/)] },
    });
    res = await upload(c, { document: JPEG });
    expect(res.status).toBe(422);
    const gif = Buffer.from("GIF89a-----");
    expect((await upload(c, { document: JPEG, selfie: gif })).status).toBe(422);
    // Past the per-file limit (8 MB by default): refused by name; a request past both files' limits: 413 unread.
    const big = Buffer.concat([JPEG, Buffer.alloc(8 * 1_048_576)]);
    res = await upload(c, { document: big, selfie: PNG });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ fieldErrors: { document: [expect.stringMatching(/the limit is 8 MB/)] } });
    const huge = Buffer.concat([JPEG, Buffer.alloc(17 * 1_048_576)]);
    // The server answers before reading the body; the client may see the 413 or the connection closed under it.
    const refused = await upload(c, { document: huge, selfie: PNG }).catch(() => null);
    expect(refused === null || refused.status === 413).toBe(true);
    expect(await db.creatorVerification.count({ where: { userId: creator.id } })).toBe(0);
    // A viewer cannot send documents at all.
    const viewer = await signedIn((await createUser()).email);
    expect((await upload(viewer, { document: JPEG, selfie: PNG })).status).toBe(403);
  });

  it("documents are stored privately; only an admin opens them, through a short-lived link made for them, and each opening is logged", async () => {
    const creator = await unverifiedCreator();
    const c = await signedIn(creator.email);
    const res = await upload(c, { document: JPEG, selfie: PNG });
    expect(res.status, await res.clone().text()).toBe(201);
    const row = await db.creatorVerification.findFirstOrThrow({ where: { userId: creator.id } });
    expect(row).toMatchObject({ status: "pending", provider: "manual" });
    expect(row.documentKey).toMatch(/^verification\/c[0-9a-f]{24}\/document\.jpg$/);
    expect((await storage().stat(row.documentKey!))?.size).toBe(JPEG.length);
    expect((await storage().stat(row.selfieKey!))?.contentType).toBe("image/png");
    // A second upload while one waits is refused.
    expect((await upload(c, { document: JPEG, selfie: PNG })).status).toBe(409);

    const admin = await createUser({ role: "admin" });
    const a = await signedIn(admin.email);
    const page = await (await a.fetch("/admin/verifications")).text();
    // This check's link (the queue lists other tests' checks too, oldest first).
    const link = new RegExp(`/api/admin/verifications/${row.id}/document\\?expires=\\d+&amp;sig=[\\w-]+`)
      .exec(page)?.[0]
      .replaceAll("&amp;", "&");
    expect(link).toBeTruthy();
    const opened = await a.fetch(link!);
    expect(opened.status).toBe(200);
    expect(opened.headers.get("content-type")).toBe("image/jpeg");
    expect(opened.headers.get("cache-control")).toBe("private, no-store");
    expect(Buffer.from(await opened.arrayBuffer()).equals(JPEG)).toBe(true);
    expect(
      await db.auditEvent.count({
        where: { action: "verification.document_viewed", subjectId: row.id, actorId: admin.id },
      }),
    ).toBe(1);
    // The same link for anyone else: the creator, another admin, or altered, or expired.
    expect((await c.fetch(link!)).status).toBe(403);
    const other = await signedIn((await createUser({ role: "admin" })).email);
    expect((await other.fetch(link!)).status).toBe(403);
    expect((await a.fetch(link!.replace(/sig=[\w-]+/, "sig=AAAA"))).status).toBe(403);
    expect((await a.fetch(link!.replace(/expires=\d+/, "expires=1000"))).status).toBe(403);
    expect((await a.fetch(link!.replace("/document?", "/..%2fsecret?"))).status).toBe(404);
    expect(await db.auditEvent.count({ where: { action: "verification.document_viewed", subjectId: row.id } })).toBe(1);
  });

  it("an admin approves with a note: the creator may publish, the decision is audited and emailed; the sweep deletes the documents after the retention period", async () => {
    const creator = await unverifiedCreator();
    const c = await signedIn(creator.email);
    expect((await upload(c, { document: JPEG, selfie: PNG })).status).toBe(201);
    const row = await db.creatorVerification.findFirstOrThrow({ where: { userId: creator.id } });
    const admin = await createUser({ role: "admin" });
    expect(
      await statusOf(decideVerification(creator, { verificationId: row.id, decision: "approve", note: "me" })),
    ).toBe(403);
    await decideVerification(admin, {
      verificationId: row.id,
      decision: "approve",
      note: "Passport matches the selfie; 34 years old.",
    });
    expect(
      await statusOf(decideVerification(admin, { verificationId: row.id, decision: "decline", note: "again" })),
    ).toBe(409);
    expect((await db.user.findUniqueOrThrow({ where: { id: creator.id } })).creatorVerifiedAt).not.toBeNull();
    expect(await db.auditEvent.count({ where: { action: "verification.approved", subjectId: row.id } })).toBe(1);
    const mail = await db.emailMessage.findFirstOrThrow({
      where: { toAddress: creator.email, dedupeKey: `verification:${row.id}:decided` },
    });
    expect(mail.textBody).toContain("Passport matches the selfie");
    expect(
      await statusOf(
        updateProfile(creator, {
          slug: `n-${creator.id.slice(-10)}`,
          displayName: "New",
          timeZone: "UTC",
          published: "on",
        }),
      ),
    ).toBe(200);

    // Not yet past the retention period: kept. Past it: deleted from storage, the row keeps the decision.
    expect(await sweepVerificationDocuments(new Date(Date.now() + 29 * 86_400_000))).toBe(0);
    expect(await storage().stat(row.documentKey!)).not.toBeNull();
    await sweepVerificationDocuments(new Date(Date.now() + 31 * 86_400_000));
    expect(await storage().stat(row.documentKey!)).toBeNull();
    expect(await storage().stat(row.selfieKey!)).toBeNull();
    expect(await db.creatorVerification.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      status: "approved",
      documentKey: null,
      selfieKey: null,
      documentsDeletedAt: expect.any(Date),
    });
  });

  it("two uploads at once leave one check waiting for review; the others are told so", async () => {
    const creator = await unverifiedCreator();
    const c = await signedIn(creator.email);
    const statuses = (await Promise.all([1, 2, 3].map(() => upload(c, { document: JPEG, selfie: PNG })))).map(
      (r) => r.status,
    );
    expect(statuses.filter((st) => st === 201)).toHaveLength(1);
    expect(statuses.filter((st) => st === 409)).toHaveLength(2);
    const rows = await db.creatorVerification.findMany({ where: { userId: creator.id } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe("pending");
    expect(await storage().stat(rows[0]!.documentKey!)).not.toBeNull();
  });

  it("a declined creator is told why and may send new documents", async () => {
    const creator = await unverifiedCreator();
    const c = await signedIn(creator.email);
    expect((await upload(c, { document: JPEG, selfie: PNG })).status).toBe(201);
    const row = await db.creatorVerification.findFirstOrThrow({ where: { userId: creator.id } });
    await decideVerification(await createUser({ role: "admin" }), {
      verificationId: row.id,
      decision: "decline",
      note: "The ID photo is too blurry to read.",
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: creator.id } })).creatorVerifiedAt).toBeNull();
    expect(await (await c.fetch("/studio/verification")).text()).toContain("The ID photo is too blurry to read.");
    expect((await upload(c, { document: JPEG, selfie: PNG })).status).toBe(201);
  });
});
