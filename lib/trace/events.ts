/**
 * Every kind of event a session's trace may hold. Append-only, versioned by schemaVersion;
 * later issues add their events here rather than inventing strings at call sites.
 */
export const traceEventTypes = [
  "booking.held",
  "booking.confirmed",
  "booking.expired",
  "booking.cancelled",
  "checkout.created",
  "checkout.failed",
  "payment.pending",
  "payment.succeeded",
  "payment.failed",
  "payment.flagged",
  "payment.refunded",
  "refund.requested",
  "refund.issued",
  "refund.failed",
  "dispute.opened",
  "dispute.closed",
  "checkout.closed",
  "token.issued",
  "token.refused",
  "room.started",
  "room.finished",
  "participant.joined",
  "participant.left",
  "participant.connection_aborted",
  "track.published",
  "track.unpublished",
  "client.token_received",
  "client.signal_connected",
  "client.ice_selected",
  "client.first_media",
  "client.attempt_failed",
  "client.reconnecting",
  "client.reconnected",
  "client.disconnected",
  "client.device_error",
  "session.warned",
  "session.closed",
  "session.settled",
  "recording.started",
  "recording.finished",
] as const;

export type TraceEventType = (typeof traceEventTypes)[number];
export type TraceSourceName = "app" | "stripe" | "livekit" | "client";
