/**
 * What each live-session trace event carries in `payload` (trace_events.payload), by type. The trace id
 * is the booking's; `actorId` is the user the event is about (the participant), when there is one.
 * `occurredAt` is the reporter's clock: Booth's for app events, LiveKit's for webhooks, the browser's
 * for client events (clamped to Booth's receive time ± 5 minutes).
 */
import type { DiagnosticEvent, IcePolicy } from "./schemas";

export type SessionRole = "viewer" | "creator";

/** Which connection (participant_connections row: roomSessionId + identity + attempt=seq) an event is about. */
export type ConnectionRef = {
  role: SessionRole;
  seq: number | null;
  attempt: number | null;
  policy: IcePolicy | null;
  joinId: string | null;
};

export type SessionTracePayloads = {
  /** app */
  "token.issued": ConnectionRef & { roomName: string; expiresAt: string };
  "token.refused": { reason: string; attempt: number };
  /** livekit (webhooks) */
  "room.started": { roomName: string; roomSid: string | null; webhookId: string };
  "room.finished": { roomName: string; roomSid: string | null; webhookId: string };
  "participant.joined": ConnectionRef & { identity: string; participantSid: string; webhookId: string };
  "participant.left": ConnectionRef & {
    identity: string;
    participantSid: string;
    disconnectReason: string | null;
    webhookId: string;
  };
  "participant.connection_aborted": ConnectionRef & {
    identity: string;
    participantSid: string;
    disconnectReason: string | null;
    webhookId: string;
  };
  /** source: camera | microphone | screen_share | screen_share_audio | unknown; kind: video | audio */
  "track.published": ConnectionRef & {
    identity: string;
    participantSid: string;
    trackSid: string;
    source: string;
    kind: string;
    webhookId: string;
  };
  "track.unpublished": ConnectionRef & {
    identity: string;
    participantSid: string;
    trackSid: string;
    source: string;
    kind: string;
    webhookId: string;
  };
  /** client: the diagnostic event without `type` and `at`, plus the participant's role. */
  "client.token_received": ClientPayload<"token_received">;
  "client.signal_connected": ClientPayload<"signal_connected">;
  "client.ice_selected": ClientPayload<"ice_selected">;
  "client.first_media": ClientPayload<"first_media">;
  "client.attempt_failed": ClientPayload<"attempt_failed">;
  "client.reconnecting": ClientPayload<"reconnecting">;
  "client.reconnected": ClientPayload<"reconnected">;
  "client.disconnected": ClientPayload<"disconnected">;
  "client.device_error": ClientPayload<"device_error">;
  /** app: the server's closing of the room */
  "session.warned": { endsAt: string; closesAt: string; roomName: string; result: string };
  "session.closed": { roomName: string; closedAt: string };
  /**
   * app: the session settled once after it closed. outcome: completed | creator_no_show | viewer_no_show |
   * nobody_joined | unclear (LiveKit's record and the browsers' reports disagree: flagged, nothing refunded);
   * explanation in words; refundId when the viewer was refunded for a creator no-show.
   */
  "session.settled": { outcome: SessionOutcome; explanation: string; refundId?: string };
};

export type SessionOutcome = "completed" | "creator_no_show" | "viewer_no_show" | "nobody_joined" | "unclear";

type ClientPayload<T extends DiagnosticEvent["type"]> = Omit<Extract<DiagnosticEvent, { type: T }>, "type" | "at"> & {
  role: SessionRole;
};
