/**
 * Pure: how a paid session ended, from LiveKit's own record of it (webhook events on the trace).
 * - The viewer was there and the creator published camera or microphone while they were: completed.
 * - The viewer was there but the creator never published media while they were: creator no-show
 *   (the viewer is refunded in full).
 * - The viewer never joined: viewer no-show (the creator keeps the payment), or nobody joined at all.
 */
import type { SessionOutcome } from "@/lib/trace/events";

export type PresenceEvent = {
  type:
    | "participant.joined"
    | "participant.left"
    | "participant.connection_aborted"
    | "track.published"
    | "track.unpublished";
  at: Date;
  role: "viewer" | "creator";
  participantSid: string;
  trackSid?: string;
  /** camera | microphone | screen_share | … */
  source?: string;
};

type Interval = { from: number; to: number };

const MEDIA_SOURCES = new Set(["camera", "microphone"]);

function intervals(
  events: PresenceEvent[],
  open: (e: PresenceEvent) => string | null,
  close: (e: PresenceEvent) => string[],
  endAt: number,
): Interval[] {
  const started = new Map<string, number>();
  const closed = new Map<string, number>();
  const sorted = [...events].sort((a, b) => a.at.getTime() - b.at.getTime());
  for (const e of sorted) {
    const key = open(e);
    if (key && !started.has(key)) started.set(key, e.at.getTime());
    for (const k of close(e)) if (!closed.has(k)) closed.set(k, e.at.getTime());
  }
  // A close may arrive before its open (webhooks in any order): pair them by key, not by arrival.
  return [...started].map(([key, from]) => ({ from, to: Math.max(from, closed.get(key) ?? endAt) }));
}

const overlaps = (a: Interval, b: Interval) =>
  Math.min(a.to, b.to) - Math.max(a.from, b.from) >= 0 && (a.to > a.from || b.to > b.from);

export function sessionOutcome(
  events: PresenceEvent[],
  closesAt: Date,
): { outcome: SessionOutcome; explanation: string } {
  const end = closesAt.getTime();
  const viewerHere = intervals(
    events.filter((e) => e.role === "viewer"),
    (e) => (e.type === "participant.joined" ? e.participantSid : null),
    (e) => (e.type === "participant.left" || e.type === "participant.connection_aborted" ? [e.participantSid] : []),
    end,
  );
  const creatorJoined = events.some((e) => e.role === "creator" && e.type === "participant.joined");
  // A creator's track ends when it is unpublished or when its participant leaves.
  const creatorEvents = events.filter((e) => e.role === "creator");
  const trackOwner = new Map(
    creatorEvents.filter((e) => e.type === "track.published" && e.trackSid).map((e) => [e.trackSid!, e.participantSid]),
  );
  const creatorMedia = intervals(
    creatorEvents,
    (e) => (e.type === "track.published" && e.trackSid && MEDIA_SOURCES.has(e.source ?? "") ? e.trackSid : null),
    (e) =>
      e.type === "track.unpublished" && e.trackSid
        ? [e.trackSid]
        : e.type === "participant.left" || e.type === "participant.connection_aborted"
          ? [...trackOwner].filter(([, sid]) => sid === e.participantSid).map(([t]) => t)
          : [],
    end,
  );

  if (viewerHere.length === 0) {
    return creatorJoined
      ? {
          outcome: "viewer_no_show",
          explanation: "The viewer never joined; the creator was there, so the creator keeps the payment.",
        }
      : {
          outcome: "nobody_joined",
          explanation: "Neither side joined the room. The payment is kept and flagged for review.",
        };
  }
  if (creatorMedia.some((m) => viewerHere.some((v) => overlaps(m, v)))) {
    return {
      outcome: "completed",
      explanation:
        "Both sides were in the room and the creator's camera or microphone reached it while the viewer was there.",
    };
  }
  return {
    outcome: "creator_no_show",
    explanation: creatorJoined
      ? "The viewer was in the room, but the creator never published camera or microphone while they were: the viewer is refunded in full."
      : "The viewer was in the room, but the creator never joined: the viewer is refunded in full.",
  };
}

/** What the browsers reported (client diagnostics), to check LiveKit's record against. */
export type ClientEvidence = { viewerConnected: boolean; viewerSawVideo: boolean };

/**
 * Webhooks are delivered at most a few times and can be lost (a restart at the wrong moment). An
 * automatic decision about money is only taken when LiveKit's record and the browsers' reports agree;
 * otherwise the session is "unclear": nothing is refunded, and the payment goes to a person.
 */
export function reconcileOutcome(
  decided: { outcome: SessionOutcome; explanation: string },
  evidence: ClientEvidence,
): { outcome: SessionOutcome; explanation: string } {
  if (decided.outcome === "creator_no_show" && evidence.viewerSawVideo) {
    return {
      outcome: "unclear",
      explanation:
        "LiveKit recorded no camera or microphone from the creator while the viewer was there, but the viewer's browser reported receiving video. Nothing was refunded automatically; the payment is flagged for review.",
    };
  }
  if ((decided.outcome === "viewer_no_show" || decided.outcome === "nobody_joined") && evidence.viewerConnected) {
    return {
      outcome: "unclear",
      explanation:
        "LiveKit recorded no join by the viewer, but the viewer's browser reported connecting to the room. The payment is flagged for review.",
    };
  }
  return decided;
}
