"use server";
import { revalidatePath } from "next/cache";
import { formObject, runAction, type ActionState } from "@/lib/action";
import { requireUser } from "@/lib/auth/session";
import { fileReport, handleReport } from "./reports";

// POST (server action) – report the other side of a booking, or a creator from their profile
export async function fileReportAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => (await fileReport(await requireUser(), formObject(form))).message);
}

// POST (server action) – an admin handles a report from the moderation queue
export async function handleReportAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction(form, async () => {
    const { status } = await handleReport(await requireUser(), formObject(form));
    revalidatePath("/admin/reports");
    return status === "dismissed"
      ? "Report dismissed; the reporter was told."
      : "Done; the reporter was told the outcome.";
  });
}
