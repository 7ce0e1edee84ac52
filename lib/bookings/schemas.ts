import { z } from "zod";
import { timeZoneField } from "@/lib/creators/schemas";
import { multiLine, singleLine } from "@/lib/schemas/text";

export const bookSlotInput = z.object({
  offeringId: singleLine().trim().min(1, "Choose what to book"),
  startsAt: z.iso.datetime({ offset: true, message: "Pick a time from the list" }).transform((s) => new Date(s)),
  /** The buyer's browser time zone, for their emails and calendar file. */
  timeZone: timeZoneField.optional().default("UTC"),
});
export type BookSlotInput = z.input<typeof bookSlotInput>;

export const rescheduleBookingInput = z.object({
  startsAt: z.iso.datetime({ offset: true, message: "Pick a time from the list" }).transform((s) => new Date(s)),
});
export type RescheduleBookingInput = z.input<typeof rescheduleBookingInput>;

export const cancelBookingInput = z.object({
  reason: multiLine().trim().max(500, "Keep the reason under 500 characters").optional(),
});

export const adminRefundInput = z.object({
  /** Minor units; omitted = everything still refundable. */
  amountCents: z.coerce
    .number("Enter the amount in cents")
    .int("Enter the amount in whole cents")
    .positive("The refund must be more than 0")
    .optional(),
  reason: multiLine().trim().min(3, "Say why you refund (at least 3 characters)").max(500),
  /** A retried click sends the same key and refunds once. */
  idempotencyKey: singleLine().trim().min(8).max(100).optional(),
});

export const slotRangeInput = z.object({
  from: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional(),
  days: z.coerce.number().int().min(1).max(90).default(14),
});
