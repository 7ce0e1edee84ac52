import "server-only";
import { brandFrom } from "@/lib/branding/queries";
import type { Prisma } from "@/lib/generated/prisma/client";
import { enqueueEmails } from "@/lib/mail/service";

/** Tells the applicant the admin's decision, with the admin's note, in the decision's transaction. */
export async function enqueueApplicationDecidedEmail(
  tx: Prisma.TransactionClient,
  app: { id: string; userId: string; displayName: string },
  approved: boolean,
  note: string | null | undefined,
) {
  const user = await tx.user.findUniqueOrThrow({
    where: { id: app.userId },
    select: { name: true, email: true, brandId: true },
  });
  const brand = await brandFrom(tx, user.brandId);
  const lines = [`Hi ${user.name},`, ""];
  if (approved)
    lines.push(
      `Your application to host on ${brand.name} as "${app.displayName}" was approved.`,
      "",
      `Your studio is ready: ${new URL("/studio", brand.url)}`,
      "Your profile starts as a draft: add a bio, your offerings and your hours, then publish it.",
    );
  else lines.push(`Your application to host on ${brand.name} as "${app.displayName}" was declined.`);
  if (note) lines.push("", `A note from the team: “${note}”`);
  if (!approved) lines.push("", `You can apply again from your dashboard: ${new URL("/dashboard", brand.url)}`);
  lines.push("", `— ${brand.name}`, "", `You get this email because you applied to become a creator on ${brand.name}.`);
  await enqueueEmails(tx, [
    {
      dedupeKey: `application:${app.id}:decided`,
      brandId: brand.id,
      to: user.email,
      subject: approved
        ? `You're approved to host on ${brand.name}`
        : `About your application to host on ${brand.name}`,
      text: lines.join("\n"),
    },
  ]);
}
