/** Inputs of group shows (pure zod; the studio form and the routes share them). */
import { z } from "zod";
import { priceField } from "@/lib/creators/schemas";
import { multiLine, singleLine } from "@/lib/schemas/text";

const id = singleLine().trim().min(1, "Choose one").max(64);

/** Studio: schedule a show from a group-room offering (its defaults, each overridable). */
export const scheduleShowInput = z.object({
  offeringId: id,
  title: singleLine()
    .trim()
    .min(3, "Give the show a title of at least 3 characters")
    .max(120, "Keep the title under 120 characters"),
  startsAt: z.iso.datetime({ offset: true, message: "Pick a start date and time" }).transform((s) => new Date(s)),
  durationMinutes: z.coerce
    .number("Enter the length in minutes")
    .int("Enter whole minutes")
    .min(15, "A show lasts at least 15 minutes")
    .max(360, "A show lasts at most 6 hours"),
  capacity: z.coerce
    .number("Enter the number of seats")
    .int("Enter a whole number of seats")
    .min(1, "At least 1 seat")
    .max(1000, "At most 1,000 seats"),
  price: priceField.optional(),
});
export type ScheduleShowInput = z.input<typeof scheduleShowInput>;

export const cancelShowInput = z.object({
  reason: multiLine().trim().max(500, "Keep the reason under 500 characters").optional(),
});

/** A chat message: one line or a few, at most 500 characters. */
export const chatMessageInput = z.object({
  body: multiLine().trim().min(1, "Type a message").max(500, "Keep a message under 500 characters"),
});

/** Moderation in a show's room: who, and why (shown to them when they are removed). */
export const moderateParticipantInput = z.object({
  userId: id,
  reason: multiLine().trim().max(300, "Keep the reason under 300 characters").optional(),
});
export const muteTrackInput = moderateParticipantInput.extend({
  source: z.enum(["camera", "microphone", "screen_share"]),
});
