import "server-only";
import { randomBytes } from "node:crypto";
import { appendAudit } from "@/lib/audit/service";
import { assertRole, type Actor, inActorsBrand } from "@/lib/auth/permissions";
import { brandFrom } from "@/lib/branding/queries";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError, fieldError, isUniqueViolation } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { deliverSoon, enqueueEmails } from "@/lib/mail/service";
import { takeBudget } from "@/lib/rate-limit";
import { signGrant, verifyGrant } from "@/lib/storage/signed";
import { checkVerificationFile } from "./files";
import { manualProvider } from "./manual";
import type { VerificationProvider } from "./provider";
import { decideVerificationInput, type VerificationDocumentKind } from "./schemas";

/** The providers a verification row can name; a third party would be added here (see ./provider.ts). */
const providers: Record<string, VerificationProvider> = { [manualProvider.id]: manualProvider };
const activeProvider = manualProvider;

/** How long an admin's link to a document works. */
const LINK_SECONDS = 5 * 60;

const maxBytes = () => env.VERIFICATION_MAX_UPLOAD_MB * 1_048_576;

/** The largest request an upload of both files may be (the route refuses more before reading it). */
export const maxUploadRequestBytes = () => 2 * maxBytes() + 64 * 1024;

/** The creator's current check, for the studio page. */
export async function getMyVerification(actor: Actor) {
  assertRole(actor, ["creator"]);
  const [user, latest] = await Promise.all([
    db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { creatorVerifiedAt: true } }),
    db.creatorVerification.findFirst({
      where: { userId: actor.id },
      orderBy: { createdAt: "desc" },
      select: { id: true, status: true, note: true, createdAt: true, decidedAt: true },
    }),
  ]);
  return { verifiedAt: user.creatorVerifiedAt, latest, maxUploadMb: env.VERIFICATION_MAX_UPLOAD_MB };
}

const ALREADY_PENDING = "Your documents are already waiting for review; we'll email you the decision.";

/**
 * A creator sends an ID document and a selfie (JPEG, PNG or PDF, recognised by content, within the size
 * limit). They are stored privately by the provider and wait for an admin. One check at a time; 5 a day.
 */
export async function submitVerification(actor: Actor, files: { document: Buffer | null; selfie: Buffer | null }) {
  assertRole(actor, ["creator"]);
  const document = checkVerificationFile(files.document ?? Buffer.alloc(0), maxBytes(), "ID document");
  if (!document.ok) throw fieldError("document", document.message);
  const selfie = checkVerificationFile(files.selfie ?? Buffer.alloc(0), maxBytes(), "selfie");
  if (!selfie.ok) throw fieldError("selfie", selfie.message);
  const user = await db.user.findUniqueOrThrow({ where: { id: actor.id }, select: { creatorVerifiedAt: true } });
  if (user.creatorVerifiedAt) throw new AppError("conflict", "Your identity and age are already verified.");
  if (await db.creatorVerification.count({ where: { userId: actor.id, status: "pending" } }))
    throw new AppError("conflict", ALREADY_PENDING);
  await takeBudget("verification", actor.id);
  // Lower-case, so it can name storage keys.
  const id = `c${randomBytes(12).toString("hex")}`;
  const started = await activeProvider.start({
    verificationId: id,
    userId: actor.id,
    document: document.file,
    selfie: selfie.file,
  });
  if (started.kind !== "documents") throw new Error("the active provider is not a documents provider");
  try {
    await db.creatorVerification.create({
      data: {
        id,
        userId: actor.id,
        provider: activeProvider.id,
        documentKey: started.documentKey,
        selfieKey: started.selfieKey,
      },
      select: { id: true },
    });
  } catch (err) {
    await activeProvider.discard(started).catch(() => {});
    // Two uploads at once both passed the check above; the database keeps one pending check per creator.
    if (isUniqueViolation(err)) throw new AppError("conflict", ALREADY_PENDING);
    throw err;
  }
  logger.info({ userId: actor.id, verificationId: id }, "verification documents submitted");
  return "Thank you. An admin will review your documents, usually within a day; we'll email you the decision.";
}

/**
 * Admins only: the checks waiting for review, oldest first, and the latest decided; of their brand's
 * creators (every brand's for a platform admin).
 */
export async function getVerificationQueue(actor: Actor, now = new Date()) {
  assertRole(actor, ["admin"]);
  const select = {
    id: true,
    status: true,
    provider: true,
    note: true,
    createdAt: true,
    decidedAt: true,
    documentKey: true,
    selfieKey: true,
    documentsDeletedAt: true,
    user: { select: { id: true, name: true, email: true } },
    decidedBy: { select: { email: true } },
  } as const;
  const user = inActorsBrand(actor);
  const [pending, decided] = await Promise.all([
    db.creatorVerification.findMany({
      where: { status: "pending", user },
      orderBy: { createdAt: "asc" },
      take: 100,
      select,
    }),
    db.creatorVerification.findMany({
      where: { status: { not: "pending" }, user },
      orderBy: { decidedAt: "desc" },
      take: 20,
      select,
    }),
  ]);
  const withLinks = (r: (typeof pending)[number]) => ({
    ...r,
    links: {
      document: r.documentKey ? documentLink(actor, r.id, "document", now) : null,
      selfie: r.selfieKey ? documentLink(actor, r.id, "selfie", now) : null,
    },
  });
  return {
    pending: pending.map(withLinks),
    decided: decided.map(withLinks),
    retentionDays: env.VERIFICATION_RETENTION_DAYS,
  };
}

/** A short-lived link to one document, for this admin only (the route checks the signature and the role). */
export function documentLink(
  actor: Pick<Actor, "id">,
  verificationId: string,
  which: VerificationDocumentKind,
  now = new Date(),
) {
  const expires = Math.floor(now.getTime() / 1000) + LINK_SECONDS;
  const sig = signGrant(env.AUTH_SECRET, {
    resource: `verification:${verificationId}:${which}`,
    userId: actor.id,
    expires,
  });
  return `/api/admin/verifications/${verificationId}/${which}?expires=${expires}&sig=${sig}`;
}

/**
 * Opening a document link: an admin, the admin the link was made for, before it expires, for a document not
 * yet deleted, of their brand's creator (any brand's for a platform admin). Each view is an audit row.
 * Returns the storage key to serve.
 */
export async function openVerificationDocument(
  actor: Actor,
  verificationId: string,
  which: string,
  link: { expires: string | null; sig: string | null },
  now = new Date(),
) {
  assertRole(actor, ["admin"]);
  if (which !== "document" && which !== "selfie") throw new AppError("not_found", "No such document.");
  const expires = Number(link.expires);
  const check = verifyGrant(
    env.AUTH_SECRET,
    { resource: `verification:${verificationId}:${which}`, userId: actor.id, expires },
    link.sig ?? "",
    Math.floor(now.getTime() / 1000),
  );
  if (!check.ok)
    throw new AppError(
      "forbidden",
      check.reason === "expired"
        ? "This link has expired: open the document again from the verification queue."
        : "This link is not valid for you.",
    );
  // Another brand's check is, to a brand's admin, one whose documents are gone.
  const row = await db.creatorVerification.findFirst({
    where: { id: verificationId, user: inActorsBrand(actor) },
    select: { id: true, userId: true, documentKey: true, selfieKey: true },
  });
  const key = row ? (which === "document" ? row.documentKey : row.selfieKey) : null;
  if (!row || !key) throw new AppError("not_found", "This document was deleted after the retention period.");
  await db.$transaction((tx) =>
    appendAudit(tx, {
      actor,
      action: "verification.document_viewed",
      subjectType: "verification",
      subjectId: row.id,
      subjectUserId: row.userId,
      details: { which },
    }),
  );
  return { key, downloadName: `${which}-${row.id}.${key.split(".").pop()}` };
}

/**
 * Admin: approve or decline a pending check, with a note the creator reads. Approving marks the creator
 * verified (they may publish and go live). An audit row and the creator's email, in one transaction; the
 * documents stay until the retention period after the decision ends (sweepVerificationDocuments).
 */
export async function decideVerification(actor: Actor, raw: unknown, now = new Date()) {
  assertRole(actor, ["admin"]);
  const input = decideVerificationInput.parse(raw);
  await takeBudget("adminAction", actor.id);
  const approve = input.decision === "approve";
  await db.$transaction(async (tx) => {
    const row = await tx.creatorVerification.findFirst({
      where: { id: input.verificationId, user: inActorsBrand(actor) },
      select: { id: true, userId: true, user: { select: { name: true, email: true, brandId: true } } },
    });
    if (!row) throw new AppError("not_found", "No such verification.");
    if (row.userId === actor.id) throw new AppError("conflict", "Ask another admin to review your own documents.");
    const { count } = await tx.creatorVerification.updateMany({
      where: { id: row.id, status: "pending" },
      data: { status: approve ? "approved" : "declined", decidedById: actor.id, decidedAt: now, note: input.note },
    });
    if (!count) throw new AppError("conflict", "This verification was already decided.");
    if (approve)
      await tx.user.update({ where: { id: row.userId }, data: { creatorVerifiedAt: now }, select: { id: true } });
    await appendAudit(tx, {
      actor,
      action: approve ? "verification.approved" : "verification.declined",
      subjectType: "verification",
      subjectId: row.id,
      subjectUserId: row.userId,
      reason: input.note,
    });
    const brand = await brandFrom(tx, row.user.brandId);
    await enqueueEmails(tx, [
      {
        dedupeKey: `verification:${row.id}:decided`,
        brandId: brand.id,
        to: row.user.email,
        subject: approve
          ? `Your identity check on ${brand.name} is approved`
          : `Your identity check on ${brand.name} was declined`,
        text: [
          `Hi ${row.user.name},`,
          "",
          approve
            ? "Your identity and age check is approved: you can now publish your profile and offerings and go live."
            : "Your identity and age check was declined. You can send new documents from Studio → Verification.",
          "",
          `The reviewer's note: ${input.note}`,
          "",
          `Your documents are deleted ${env.VERIFICATION_RETENTION_DAYS} days after this decision.`,
          "",
          `— ${brand.name}`,
          "",
          `You get this email because you asked ${brand.name} to verify your identity as a creator.`,
        ].join("\n"),
      },
    ]);
  });
  deliverSoon();
  logger.info(
    { verificationId: input.verificationId, adminId: actor.id, decision: input.decision },
    "verification decided",
  );
  return approve ? "Approved: the creator may publish and go live." : "Declined: the creator was emailed your note.";
}

/**
 * Deletes the documents of checks decided more than VERIFICATION_RETENTION_DAYS ago (the sweeper runs this);
 * the row stays, with its decision and when the documents were deleted. Returns how many were cleared.
 */
export async function sweepVerificationDocuments(now = new Date()) {
  const cutoff = new Date(now.getTime() - env.VERIFICATION_RETENTION_DAYS * 86_400_000);
  const rows = await db.creatorVerification.findMany({
    where: { status: { not: "pending" }, decidedAt: { lt: cutoff }, documentsDeletedAt: null },
    orderBy: { decidedAt: "asc" },
    take: 100,
    select: { id: true, provider: true, documentKey: true, selfieKey: true },
  });
  for (const r of rows) {
    await (providers[r.provider] ?? activeProvider).discard(r);
    await db.creatorVerification.update({
      where: { id: r.id },
      data: { documentKey: null, selfieKey: null, documentsDeletedAt: now },
      select: { id: true },
    });
  }
  if (rows.length) logger.info({ cleared: rows.length }, "verification documents deleted after retention");
  return rows.length;
}
