import "server-only";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";

const log = logger.child({ module: "mail" });
const MAX_ATTEMPTS = 5;

export type OutgoingEmail = {
  /** Same key, same email: a repeated event (a webhook redelivery) mails nothing twice. */
  dedupeKey: string;
  traceId?: string | null;
  to: string;
  subject: string;
  text: string;
  ics?: { filename: string; content: string };
};

/** True when mail is kept in the development outbox (/dev/outbox) instead of being sent. */
export function outboxEnabled() {
  return !env.SMTP_URL && (env.NODE_ENV !== "production" || env.MAIL_OUTBOX === "1");
}

/** Writes emails in the caller's transaction (atomic with the change they announce); sent later. */
export async function enqueueEmails(client: Pick<Prisma.TransactionClient, "emailMessage">, emails: OutgoingEmail[]) {
  const { count } = await client.emailMessage.createMany({
    data: emails.map((e) => ({ dedupeKey: e.dedupeKey, traceId: e.traceId ?? null, toAddress: e.to, subject: e.subject, textBody: e.text, icsFilename: e.ics?.filename ?? null, icsContent: e.ics?.content ?? null })),
    skipDuplicates: true,
  });
  return count;
}

let smtp: nodemailer.Transporter | undefined;
const renderer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });

function message(row: { toAddress: string; subject: string; textBody: string; icsFilename: string | null; icsContent: string | null }): Mail.Options {
  const method = row.icsContent && /^METHOD:CANCEL/m.test(row.icsContent) ? "CANCEL" : "PUBLISH";
  return {
    from: env.MAIL_FROM,
    to: row.toAddress,
    subject: row.subject,
    text: row.textBody,
    attachments: row.icsContent ? [{ filename: row.icsFilename ?? "session.ics", content: row.icsContent, contentType: `text/calendar; charset=utf-8; method=${method}` }] : [],
  };
}

/**
 * Sends pending mail. Rows are claimed with SKIP LOCKED, so two sweepers never send one email twice;
 * a failure is retried up to MAX_ATTEMPTS times. Without SMTP_URL the rendered message is kept
 * in the row (the development outbox).
 */
export async function deliverPendingEmails(limit = 25): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  const rows = await db.$queryRaw<{ id: string }[]>`SELECT id FROM email_messages WHERE status = 'pending' ORDER BY "createdAt" LIMIT ${limit}`;
  for (const { id } of rows) {
    await db.$transaction(async (tx) => {
      const claimed = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM email_messages WHERE id = ${id} AND status = 'pending' FOR UPDATE SKIP LOCKED`;
      if (!claimed.length) return;
      const row = await tx.emailMessage.findUniqueOrThrow({ where: { id } });
      try {
        const rendered = await renderer.sendMail(message(row));
        const raw = Buffer.isBuffer(rendered.message) ? rendered.message.toString("utf8") : String(rendered.message);
        if (env.SMTP_URL) {
          smtp ??= nodemailer.createTransport(env.SMTP_URL);
          await smtp.sendMail(message(row));
        }
        await tx.emailMessage.update({ where: { id }, data: { status: "sent", sentAt: new Date(), attempts: { increment: 1 }, raw, lastError: null } });
        sent++;
      } catch (err) {
        const attempts = row.attempts + 1;
        await tx.emailMessage.update({ where: { id }, data: { attempts, lastError: err instanceof Error ? err.message.slice(0, 500) : "unknown error", status: attempts >= MAX_ATTEMPTS ? "failed" : "pending" } });
        log.error({ err, emailId: id, attempts }, "email not sent");
        failed++;
      }
    }, { timeout: 60_000, maxWait: 10_000 });
  }
  return { sent, failed };
}

let running = false;
let again = false;

/** Starts delivery in the background (never throws); the sweeper retries anything left pending. */
export function deliverSoon() {
  if (running) {
    again = true; // mail queued during a pass gets its own pass
    return;
  }
  running = true;
  void deliverPendingEmails()
    .catch((err) => log.error({ err }, "mail delivery pass failed"))
    .finally(() => {
      running = false;
      if (again) {
        again = false;
        deliverSoon();
      }
    });
}
