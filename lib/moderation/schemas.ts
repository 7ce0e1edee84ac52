import { z } from "zod";
import { multiLine, singleLine } from "@/lib/schemas/text";

/** What a report can be about, with the words the form and the queue show. */
export const reportReasons = {
  harassment: "Harassment or threats",
  inappropriate: "Sexual or inappropriate content",
  no_show: "Did not show up or left early",
  scam: "Scam, fraud or asking to pay outside the platform",
  minor: "May be under age",
  other: "Something else",
} as const;
export type ReportReason = keyof typeof reportReasons;

const reasonKeys = Object.keys(reportReasons) as [ReportReason, ...ReportReason[]];
const id = singleLine().trim().min(1).max(100);

/** Where a report comes from: a private room, a booking page, a profile, a show's room, a show's chat message. */
export const reportContexts = ["room", "booking", "profile", "show_room", "chat"] as const;
export type ReportContext = (typeof reportContexts)[number];

/**
 * A report: about the other side of a booking (from the room or the booking page), about a creator's
 * profile, about a show's host (from the show's room) or about the author of a message in a show's chat.
 */
export const fileReportInput = z
  .object({
    context: z.enum(reportContexts, "Say where the report comes from: room, booking, profile, show_room or chat"),
    bookingId: id.optional(),
    creatorSlug: id.optional(),
    eventId: id.optional(),
    messageId: id.optional(),
    reason: z.enum(reasonKeys, "Choose what the report is about"),
    details: multiLine().trim().max(2000, "Keep the details under 2,000 characters").default(""),
  })
  .refine(
    (r) =>
      r.context === "profile"
        ? Boolean(r.creatorSlug)
        : r.context === "show_room"
          ? Boolean(r.eventId)
          : r.context === "chat"
            ? Boolean(r.eventId && r.messageId)
            : Boolean(r.bookingId),
    {
      message:
        "A report from a room or a booking names the booking; from a profile, the creator; from a show, the show (and the chat message)",
      path: ["context"],
    },
  );
export type FileReportInput = z.infer<typeof fileReportInput>;

/** What an admin can do with a report. */
export const reportActions = {
  dismiss: "Dismiss (no breach found)",
  warn: "Warn the reported person (email)",
  remove_from_room: "Remove them from the live room",
  suspend: "Suspend their account",
  unpublish: "Unpublish their creator profile",
  refund: "Refund the reporter's booking in full",
} as const;
export type ReportAction = keyof typeof reportActions;
const actionKeys = Object.keys(reportActions) as [ReportAction, ...ReportAction[]];

export const handleReportInput = z.object({
  reportId: id,
  action: z.enum(actionKeys, "Choose an action"),
  note: multiLine()
    .trim()
    .min(3, "Say why (at least 3 characters): it goes in the audit log")
    .max(1000, "Keep the note under 1,000 characters"),
});
export type HandleReportInput = z.infer<typeof handleReportInput>;
