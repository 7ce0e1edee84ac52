import "server-only";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import type { EmailMessage, Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { brandFrom } from "@/lib/branding/queries";
import type { Brand } from "@/lib/branding/theme";
import { type EmailBrand, textToHtml, textWithFooter } from "./html";

const log = logger.child({ module: "mail" });
const MAX_ATTEMPTS = 8;
/** Backoff after the n-th failed attempt: 1, 2, 4, … 64 minutes (about two hours in all). */
export const retryDelayMs = (attempts: number) => 60_000 * 2 ** Math.max(0, attempts - 1);
// A row stays locked while its message is sent, so SMTP must give up well before the transaction does.
const CLAIM_TIMEOUT_MS = 60_000;
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as const;

export type OutgoingEmail = {
  /** Same key, same email: a repeated event (a webhook redelivery) mails nothing twice. */
  dedupeKey: string;
  traceId?: string | null;
  /** The brand it is sent in (its recipient's: Brand.id), for the logo, colours and footer at sending. */
  brandId: string;
  to: string;
  subject: string;
  text: string;
  ics?: { filename: string; content: string };
};

/** True when mail is kept in the development outbox (/dev/outbox) instead of being sent. */
export function outboxEnabled(): boolean {
  return !env.SMTP_URL && (env.NODE_ENV !== "production" || env.MAIL_OUTBOX === "1");
}

/** Writes emails in the caller's transaction (atomic with the change they announce); sent later. */
export async function enqueueEmails(
  client: Pick<Prisma.TransactionClient, "emailMessage">,
  emails: OutgoingEmail[],
): Promise<number> {
  if (!emails.length) return 0;
  const { count } = await client.emailMessage.createMany({ data: emails.map(toRow), skipDuplicates: true });
  return count;
}

function toRow(e: OutgoingEmail): Prisma.EmailMessageCreateManyInput {
  return {
    dedupeKey: e.dedupeKey,
    traceId: e.traceId ?? null,
    brandId: e.brandId,
    toAddress: e.to,
    subject: e.subject,
    textBody: e.text,
    icsFilename: e.ics?.filename ?? null,
    icsContent: e.ics?.content ?? null,
  };
}

type Queued = Pick<EmailMessage, "toAddress" | "subject" | "textBody" | "icsFilename" | "icsContent">;

/** The iTIP method the calendar file declares; mail clients need it repeated on the attachment. */
function calendarMethod(ics: string): "PUBLISH" | "CANCEL" {
  return /^METHOD:CANCEL\r?$/m.test(ics) ? "CANCEL" : "PUBLISH";
}

/** The brand in force when the message is rendered, as emails show it (the logo as an absolute URL). */
export function emailBrandOf(brand: Brand): EmailBrand {
  return {
    name: brand.name,
    logoUrl: brand.logoUrl ? new URL(brand.logoUrl, brand.url).href : null,
    primaryColor: brand.primaryColor,
    legalName: brand.legalName,
    supportEmail: brand.supportEmail,
    footer: brand.emailFooter,
  };
}

function composeMessage(row: Queued, brand: EmailBrand): Mail.Options {
  const attachments: Mail.Attachment[] = row.icsContent
    ? [
        {
          filename: row.icsFilename ?? "session.ics",
          content: row.icsContent,
          contentType: `text/calendar; charset=utf-8; method=${calendarMethod(row.icsContent)}`,
        },
      ]
    : [];
  return {
    from: env.MAIL_FROM,
    to: row.toAddress,
    subject: row.subject,
    text: textWithFooter(row.textBody, brand),
    html: textToHtml(row.textBody, row.subject, brand),
    attachments,
  };
}

const renderer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
let smtp: nodemailer.Transporter<SMTPTransport.SentMessageInfo> | undefined;

function smtpTransport(url: string) {
  smtp ??= nodemailer.createTransport({ url, ...SMTP_TIMEOUTS });
  return smtp;
}

/**
 * Renders the message once (RFC 822) and, with SMTP_URL set, sends those very bytes, so the stored
 * copy is what the recipient got (same Message-ID). Without SMTP_URL the stored copy is the outbox.
 */
async function send(row: Queued, brand: EmailBrand): Promise<{ raw: string; messageId: string }> {
  const rendered = await renderer.sendMail(composeMessage(row, brand));
  if (!Buffer.isBuffer(rendered.message)) throw new Error("mail renderer returned a stream, not a buffer");
  const raw = rendered.message.toString("utf8");
  if (env.SMTP_URL) await smtpTransport(env.SMTP_URL).sendMail({ envelope: rendered.envelope, raw });
  return { raw, messageId: rendered.messageId };
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : "unknown error").slice(0, 500);
}

type Outcome = "sent" | "failed" | "skipped";

/**
 * Sends one pending row while holding its row lock (SKIP LOCKED: another sweeper passes over it), so
 * two processes never send it twice. A send that succeeds but whose commit fails is sent again later:
 * delivery is at least once.
 */
async function deliverOne(id: string): Promise<Outcome> {
  return db.$transaction(
    async (tx): Promise<Outcome> => {
      const claimed = await tx.$queryRaw<
        { id: string }[]
      >`SELECT id FROM email_messages WHERE id = ${id} AND status = 'pending' FOR UPDATE SKIP LOCKED`;
      if (!claimed.length) return "skipped";
      const row = await tx.emailMessage.findUniqueOrThrow({ where: { id } });
      const attempts = row.attempts + 1;
      try {
        // The brand in force now (rendered at sending, like the copy kept): logo, colour and footer.
        const { raw, messageId } = await send(row, emailBrandOf(await brandFrom(tx, row.brandId)));
        await tx.emailMessage.update({
          where: { id },
          data: { status: "sent", sentAt: new Date(), attempts, raw, lastError: null },
        });
        log.info({ emailId: id, traceId: row.traceId, messageId, outbox: !env.SMTP_URL }, "email sent");
        return "sent";
      } catch (err) {
        const status = attempts >= MAX_ATTEMPTS ? "failed" : "pending";
        await tx.emailMessage.update({
          where: { id },
          data: {
            attempts,
            lastError: errorText(err),
            status,
            nextAttemptAt: new Date(Date.now() + retryDelayMs(attempts)),
          },
        });
        log.error({ err, emailId: id, traceId: row.traceId, attempts, status }, "email not sent");
        return "failed";
      }
    },
    { timeout: CLAIM_TIMEOUT_MS, maxWait: 10_000 },
  );
}

/** Sends up to `limit` pending emails that are due, oldest first; failures back off and stay pending until MAX_ATTEMPTS. */
export async function deliverPendingEmails(
  limit = 25,
  scope: { dedupeKeys?: string[]; traceIds?: string[] } = {},
): Promise<{ sent: number; failed: number }> {
  const rows = await db.emailMessage.findMany({
    where: {
      status: "pending",
      nextAttemptAt: { lte: new Date() },
      ...(scope.dedupeKeys ? { dedupeKey: { in: scope.dedupeKeys } } : {}),
      ...(scope.traceIds ? { traceId: { in: scope.traceIds } } : {}),
    },
    orderBy: { createdAt: "asc" },
    take: limit,
    select: { id: true },
  });
  const totals = { sent: 0, failed: 0 };
  for (const { id } of rows) {
    const outcome = await deliverOne(id);
    if (outcome !== "skipped") totals[outcome]++;
  }
  return totals;
}

let running = false;
let again = false;

/** Starts delivery in the background (never throws); the sweeper retries anything left pending. */
export function deliverSoon(): void {
  if (running) {
    again = true; // mail queued during a pass gets its own pass
    return;
  }
  running = true;
  void deliverPendingEmails()
    .catch((err: unknown) => log.error({ err }, "mail delivery pass failed"))
    .finally(() => {
      running = false;
      if (again) {
        again = false;
        deliverSoon();
      }
    });
}
