/**
 * Names and limits of the live-session API that the room page needs before the call (pure, no zod: the
 * pre-join screen loads this, the schemas in ./schemas.ts re-export it).
 */

/** Data messages the server sends into a room, on this topic. */
export const SERVER_TOPIC = "booth.session";
/** The participant attribute the server sets, just before removing someone, to say why (shown to them). */
export const REMOVED_FOR_ATTRIBUTE = "booth.removed_for";

export const MAX_DIAGNOSTIC_EVENTS = 50;
/** Bytes; a larger body gets 413 before it is parsed. */
export const MAX_DIAGNOSTICS_BODY = 16_384;
