import "server-only";
import { bookingEffectHandlers } from "@/lib/bookings/emails";
import { type EffectHandlers, installEffectHandlers } from "@/lib/ops/outbox";
import { paymentEffectHandlers } from "@/lib/payments/effects";
import { recordingEffectHandlers } from "@/lib/recordings/service";
import { sessionEffectHandlers } from "@/lib/sessions/lifecycle";
import { roomEffectHandlers } from "@/lib/sessions/room-effects";
import { purchases } from "./purchases";

/** Every outbox effect type and how it is carried out. */
export const effectHandlers: EffectHandlers = {
  ...paymentEffectHandlers(purchases),
  ...bookingEffectHandlers,
  ...sessionEffectHandlers,
  ...roomEffectHandlers,
  ...recordingEffectHandlers,
};

/** Lets this process run outbox effects (the app server at start; scripts and tests that write effects). */
export function installEffects() {
  installEffectHandlers(effectHandlers);
}
