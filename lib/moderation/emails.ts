import "server-only";
import { brandFrom } from "@/lib/branding/queries";
import type { Prisma } from "@/lib/generated/prisma/client";
import { enqueueEmails, type OutgoingEmail } from "@/lib/mail/service";
import type { ReportAction } from "./schemas";

type Tx = Prisma.TransactionClient;
type Person = { id: string; name: string; email: string };

/**
 * The reporter learns the outcome in words; never the admin's note, nor what exactly happened to the other
 * person's account (their privacy), beyond "we took action" or "we found no breach".
 */
const outcomeWords: Record<ReportAction, string> = {
  dismiss: "We looked into it and found nothing that breaks our terms, so we took no action this time.",
  warn: "We took action: the person you reported was warned.",
  remove_from_room: "We took action: the person you reported was removed from the room.",
  suspend: "We took action on the reported account.",
  unpublish: "We took action: the reported creator's profile is no longer public.",
  refund: "We took action, and your booking is being refunded in full. Your bank usually shows it within 5–10 days.",
};

export async function enqueueReportOutcomeEmails(
  tx: Tx,
  report: { id: string; traceId: string | null; reporter: Person; subject: Person },
  action: ReportAction,
  note: string,
) {
  // Reporter and reported are accounts of one brand: the report was made on it.
  const { brandId } = await tx.user.findUniqueOrThrow({ where: { id: report.reporter.id }, select: { brandId: true } });
  const brand = await brandFrom(tx, brandId);
  const sign = [`— ${brand.name}`, ""];
  const emails: OutgoingEmail[] = [
    {
      dedupeKey: `report:${report.id}:outcome`,
      brandId: brand.id,
      traceId: report.traceId,
      to: report.reporter.email,
      subject: `Your report about ${report.subject.name}`,
      text: [
        `Hi ${report.reporter.name},`,
        "",
        `Thank you for your report about ${report.subject.name}. ${outcomeWords[action]}`,
        "",
        ...sign,
        `You get this email because you reported someone on ${brand.name}.`,
      ].join("\n"),
    },
  ];
  if (action === "warn")
    emails.push({
      dedupeKey: `report:${report.id}:warning`,
      brandId: brand.id,
      traceId: report.traceId,
      to: report.subject.email,
      subject: `A warning from ${brand.name}`,
      text: [
        `Hi ${report.subject.name},`,
        "",
        "We reviewed a report about your conduct and are giving you a formal warning:",
        "",
        `“${note}”`,
        "",
        `Please read our terms: ${new URL("/legal/terms", brand.url)}. A further breach can lead to suspension.`,
        "",
        ...sign,
        `You get this email because of a moderation decision about your ${brand.name} account.`,
      ].join("\n"),
    });
  await enqueueEmails(tx, emails);
}
