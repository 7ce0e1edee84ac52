/** A tip's input (pure zod; the room's tip form uses it too). */
import { z } from "zod";
import { multiLine } from "@/lib/schemas/text";

/** Preset amounts the tip form offers, in the currency's minor unit. */
export const TIP_PRESETS = [200, 500, 1000] as const;

export const tipInput = (bounds: { min: number; max: number }) =>
  z.object({
    amountCents: z.coerce
      .number("Enter an amount")
      .int("Enter the amount in whole cents")
      .min(bounds.min, `A tip is at least ${(bounds.min / 100).toFixed(2)}`)
      .max(bounds.max, `A tip is at most ${(bounds.max / 100).toFixed(2)}`),
    message: multiLine().trim().max(140, "Keep the message under 140 characters").optional(),
  });
