import { describe, expect, it } from "vitest";
import {
  buildSessionStory,
  pathText,
  type StoryConnection,
  type StoryEvent,
  type StoryInput,
} from "@/lib/support/story";
import { parseTracePayload } from "@/lib/trace/events";

const VIEWER = "u_viewer";
const CREATOR = "u_creator";
const t0 = Date.parse("2026-03-29T14:00:00Z");
const at = (ms: number) => new Date(t0 + ms);

let nextId = 1;
function ev(
  type: string,
  ms: number,
  source: StoryEvent["source"],
  actorId: string | null,
  payload: Record<string, unknown> = {},
): StoryEvent {
  // Through the trace's own schemas, as the support page reads stored rows.
  return { id: BigInt(nextId++), source, actorId, occurredAt: at(ms), ...parseTracePayload(type, payload) };
}
const role = (id: string) => (id === VIEWER ? "viewer" : "creator");
const token = (who: string, ms: number, seq: number, attempt: number, joinId = `join-${who}`) =>
  ev("token.issued", ms, "app", who, {
    role: role(who),
    seq,
    attempt,
    policy: attempt === 2 ? "relay" : "all",
    joinId,
    roomName: "booth-b1",
    expiresAt: at(ms + 300_000).toISOString(),
  });
/** LiveKit's track_published for the creator's camera. */
const cameraOn = (ms: number) =>
  ev("track.published", ms, "livekit", CREATOR, {
    role: "creator",
    seq: 1,
    attempt: 1,
    policy: "all",
    joinId: `join-${CREATOR}`,
    identity: CREATOR,
    participantSid: "PA_c",
    trackSid: "TR_c",
    source: "camera",
    kind: "video",
    webhookId: `wh_cam_${ms}`,
  });
const client = (type: string, who: string, ms: number, payload: Record<string, unknown>) =>
  ev(`client.${type}`, ms, "client", who, { role: role(who), ...payload });

function row(who: string, seq: number, over: Partial<StoryConnection> = {}): StoryConnection {
  return {
    id: `pc_${who}_${seq}`,
    identity: who,
    userId: who,
    role: role(who),
    joinId: `join-${who}`,
    livekitParticipantSid: null,
    attempt: seq,
    iceTransportPolicy: "all",
    tokenIssuedAt: null,
    signalConnectedAt: null,
    joinedAt: null,
    leftAt: null,
    disconnectReason: null,
    localCandidateType: null,
    remoteCandidateType: null,
    protocol: null,
    relayProtocol: null,
    firstMediaAt: null,
    firstMediaMs: null,
    reconnects: 0,
    failure: null,
    failedAfterMs: null,
    ...over,
  };
}

const people = { viewer: { userId: VIEWER, name: "Vera Viewer" }, creator: { userId: CREATOR, name: "Cleo Creator" } };
const payment = { id: "pay1", amountCents: 4000, currency: "EUR", status: "paid", paidAt: at(-3_600_000), refunds: [] };
const story = (input: Partial<StoryInput>) =>
  buildSessionStory({ events: [], connections: [], payments: [payment], people, ...input });
const verdicts = (s: ReturnType<typeof story>) => Object.fromEntries(s.participants.map((p) => [p.role, p.verdict]));

/** The viewer connects directly: token, signal, host/udp, first video. */
const directViewer = (ms = 0, seq = 1) => [
  token(VIEWER, ms, seq, 1),
  client("token_received", VIEWER, ms + 20, { attempt: 1, seq, joinId: `join-${VIEWER}`, policy: "all" }),
  client("signal_connected", VIEWER, ms + 150, { attempt: 1, seq, joinId: `join-${VIEWER}` }),
  ev("participant.joined", ms + 200, "livekit", VIEWER, {
    role: "viewer",
    seq,
    attempt: 1,
    policy: "all",
    joinId: `join-${VIEWER}`,
    identity: VIEWER,
    participantSid: "PA_v1",
    webhookId: "wh1",
  }),
  client("ice_selected", VIEWER, ms + 400, {
    attempt: 1,
    seq,
    joinId: `join-${VIEWER}`,
    localCandidateType: "host",
    remoteCandidateType: "host",
    protocol: "udp",
  }),
  client("first_media", VIEWER, ms + 812, { attempt: 1, seq, joinId: `join-${VIEWER}`, msFromJoin: 812 }),
];

/** The creator's direct attempt gives up after 5 s (ICE); the relay retry connects over TURN/UDP. */
const relayCreator = (ms = 0) => [
  token(CREATOR, ms, 1, 1),
  client("signal_connected", CREATOR, ms + 100, { attempt: 1, seq: 1, joinId: `join-${CREATOR}` }),
  client("attempt_failed", CREATOR, ms + 5000, {
    attempt: 1,
    seq: 1,
    joinId: `join-${CREATOR}`,
    stage: "ice",
    afterMs: 5000,
  }),
  token(CREATOR, ms + 5010, 2, 2),
  client("signal_connected", CREATOR, ms + 5100, { attempt: 2, seq: 2, joinId: `join-${CREATOR}` }),
  client("ice_selected", CREATOR, ms + 5600, {
    attempt: 2,
    seq: 2,
    joinId: `join-${CREATOR}`,
    localCandidateType: "relay",
    remoteCandidateType: "host",
    protocol: "udp",
    relayProtocol: "udp",
    relayUrl: "turn:127.0.0.1:3478?transport=udp",
  }),
  client("first_media", CREATOR, ms + 6200, { attempt: 2, seq: 2, joinId: `join-${CREATOR}`, msFromJoin: 6200 }),
];

describe("session story: verdicts", () => {
  it("a direct success, from the trace alone", () => {
    const s = story({ events: directViewer() });
    expect(verdicts(s).viewer).toBe("connected directly (host/udp); first video after 0.8 s");
    expect(s.participants[0]!.tone).toBe("good");
    const c = s.participants[0]!.connections;
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({
      seq: 1,
      attempt: 1,
      policy: "all",
      localCandidateType: "host",
      protocol: "udp",
      firstMediaMs: 812,
      participantSid: "PA_v1",
    });
    expect(pathText(c[0]!)).toBe("host/udp");
  });

  it("relay after the direct attempt failed, with the path worded as support reads it", () => {
    const s = story({ events: relayCreator() });
    expect(verdicts(s).creator).toBe(
      "connected through TURN/UDP after the direct attempt failed for 5.0 s; first video after 6.2 s",
    );
    const [first, second] = s.participants[1]!.connections;
    expect(first).toMatchObject({ seq: 1, attempt: 1, failure: "ice", failedAfterMs: 5000, localCandidateType: null });
    expect(second).toMatchObject({
      seq: 2,
      attempt: 2,
      policy: "relay",
      relayUrl: "turn:127.0.0.1:3478?transport=udp",
    });
    expect(pathText(second!)).toBe("relay/udp via TURN/UDP");
  });

  it("prefers the connection columns over the trace when both are set", () => {
    // The row says TURN over TLS (the webhook/diagnostics writer's final word); the trace only had a direct pair.
    const s = story({
      events: directViewer(),
      connections: [
        row(VIEWER, 1, {
          localCandidateType: "relay",
          remoteCandidateType: "srflx",
          protocol: "udp",
          relayProtocol: "tls",
          firstMediaMs: 1500,
          joinedAt: at(200),
        }),
      ],
    });
    expect(verdicts(s).viewer).toBe("connected through TURN/TLS (relay over TLS); first video after 1.5 s");
    expect(pathText(s.participants[0]!.connections[0]!)).toBe("relay/udp via TURN/TLS");
  });

  it("falls back to the trace where the columns are empty (a row written at token time only)", () => {
    const s = story({
      events: relayCreator(),
      connections: [
        row(CREATOR, 1, { tokenIssuedAt: at(0) }),
        row(CREATOR, 2, { iceTransportPolicy: "relay", tokenIssuedAt: at(5010) }),
      ],
    });
    expect(verdicts(s).creator).toBe(
      "connected through TURN/UDP after the direct attempt failed for 5.0 s; first video after 6.2 s",
    );
  });

  it("permission denied before any token: never allowed the camera", () => {
    const s = story({
      events: [client("device_error", VIEWER, 0, { device: "camera", error: "denied", name: "NotAllowedError" })],
    });
    expect(verdicts(s).viewer).toBe("never allowed the camera");
    expect(s.participants[0]!.deviceErrors).toEqual([{ at: at(0), device: "camera", error: "denied" }]);
    expect(s.participants[0]!.tone).toBe("bad");
  });

  it("a busy camera, and a missing microphone", () => {
    expect(
      verdicts(story({ events: [client("device_error", VIEWER, 0, { device: "camera", error: "busy" })] })).viewer,
    ).toBe("camera busy in another app");
    expect(
      verdicts(story({ events: [client("device_error", CREATOR, 0, { device: "microphone", error: "not_found" })] }))
        .creator,
    ).toBe("no microphone found");
  });

  it("a device error followed by a successful join is not the verdict", () => {
    const s = story({
      events: [client("device_error", VIEWER, -10_000, { device: "camera", error: "denied" }), ...directViewer()],
    });
    expect(verdicts(s).viewer).toBe("connected directly (host/udp); first video after 0.8 s");
  });

  it("a device failure after the token is the verdict unless the browser gave up its attempt for another reason", () => {
    const denied = client("device_error", VIEWER, 100, {
      attempt: 1,
      seq: 1,
      joinId: `join-${VIEWER}`,
      device: "camera",
      error: "denied",
    });
    expect(verdicts(story({ events: [token(VIEWER, 0, 1, 1), denied] })).viewer).toBe("never allowed the camera");
    const gaveUp = client("attempt_failed", VIEWER, 5000, {
      attempt: 1,
      seq: 1,
      joinId: `join-${VIEWER}`,
      stage: "signaling",
      afterMs: 5000,
    });
    expect(verdicts(story({ events: [token(VIEWER, 0, 1, 1), denied, gaveUp] })).viewer).toBe(
      "could not reach the server (signaling)",
    );
  });

  it("a signaling failure: could not reach the server", () => {
    const s = story({
      events: [
        token(VIEWER, 0, 1, 1),
        client("attempt_failed", VIEWER, 5000, {
          attempt: 1,
          seq: 1,
          joinId: `join-${VIEWER}`,
          stage: "signaling",
          afterMs: 5000,
        }),
      ],
    });
    expect(verdicts(s).viewer).toBe("could not reach the server (signaling)");
  });

  it("both attempts fail on ICE", () => {
    const s = story({
      events: [
        token(VIEWER, 0, 1, 1),
        client("attempt_failed", VIEWER, 5000, { attempt: 1, seq: 1, stage: "ice", afterMs: 5000 }),
        token(VIEWER, 5010, 2, 2),
        client("attempt_failed", VIEWER, 20_000, { attempt: 2, seq: 2, stage: "ice", afterMs: 15_000 }),
      ],
    });
    expect(verdicts(s).viewer).toBe("reached the server, but no media path worked, direct or relay (ICE)");
  });

  it("never joined, got a token but never joined, refused a token", () => {
    expect(verdicts(story({})).viewer).toBe("never joined");
    expect(verdicts(story({ events: [token(CREATOR, 0, 1, 1)] })).creator).toBe("got a token but never joined");
    expect(verdicts(story({ connections: [row(CREATOR, 1, { tokenIssuedAt: at(0) })] })).creator).toBe(
      "got a token but never joined",
    );
    expect(
      verdicts(story({ events: [ev("token.refused", 0, "app", VIEWER, { reason: "not_open_yet", attempt: 1 })] }))
        .viewer,
    ).toBe("never joined (refused a token: the room was not open yet)");
  });

  it("joined in LiveKit but the browser never reported a path nor video", () => {
    const s = story({
      connections: [row(VIEWER, 1, { tokenIssuedAt: at(0), joinedAt: at(300), livekitParticipantSid: "PA_x" })],
    });
    expect(verdicts(s).viewer).toBe(
      "joined (LiveKit), but the browser never reported its path; never saw the other side's video",
    );
  });
});

describe("session story: timeline", () => {
  it("one timeline across all sources in time order (then id), one plain line per event", () => {
    const events = [
      ev("refund.issued", 3_700_000, "stripe", null, {
        refundId: "re1",
        stripeRefundId: "re_stripe_1",
        amountCents: 4000,
        currency: "EUR",
        reason: "creator_no_show",
      }),
      ...relayCreator(1000),
      ev("participant.left", 3_600_000, "livekit", VIEWER, {
        role: "viewer",
        seq: 1,
        attempt: 1,
        policy: "all",
        joinId: `join-${VIEWER}`,
        identity: VIEWER,
        participantSid: "PA_v1",
        disconnectReason: "CLIENT_INITIATED",
        webhookId: "wh9",
      }),
      ...directViewer(),
      ev("payment.succeeded", -3_600_000, "stripe", null, {
        checkoutSessionId: "cs_1",
        paymentIntentId: "pi_1",
        eventId: "evt_1",
        amountCents: 4000,
        currency: "EUR",
      }),
      ev("room.started", 100, "livekit", null, { roomName: "booth-b1", roomSid: "RM_1", webhookId: "wh0" }),
    ];
    const s = story({ events });
    const lines = s.timeline.map((l) => `${l.source}: ${l.text}`);
    expect(lines[0]).toBe("stripe: Paid €40.00 (Stripe)");
    expect(lines).toContain("app: Token issued to the viewer (attempt 1, direct first)");
    expect(lines).toContain("app: Token issued to the creator (attempt 2, relay only)");
    expect(lines).toContain("livekit: Viewer joined (LiveKit)");
    expect(lines).toContain("client: Viewer's path: direct host/udp (to a host candidate)");
    expect(lines).toContain(
      "client: Creator's path: relay TURN/UDP (relay candidate via turn:127.0.0.1:3478?transport=udp)",
    );
    expect(lines).toContain("client: Creator's attempt 1 gave up after 5.0 s: found no media path (ICE)");
    expect(lines).toContain("client: Viewer's first video after 812 ms");
    expect(lines).toContain("livekit: Viewer left: CLIENT_INITIATED");
    expect(lines.at(-1)).toBe("stripe: Refund €40.00 issued");
    const times = s.timeline.map((l) => l.at.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    // Same instant: the lower id first (token at 0 was written before the direct viewer's events at 0).
    const same = events.filter((e) => e.occurredAt.getTime() === t0).map((e) => `e${e.id}`);
    expect(s.timeline.filter((l) => l.at.getTime() === t0).map((l) => l.key)).toEqual(
      [...same].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1))),
    );
  });

  it("a payment and a refund with no event on the trace still appear, marked as from the record", () => {
    const s = story({
      payments: [
        {
          ...payment,
          refunds: [
            {
              id: "r1",
              amountCents: 1500,
              status: "succeeded",
              reason: "goodwill",
              createdAt: at(10),
              updatedAt: at(20),
            },
          ],
        },
      ],
    });
    expect(s.timeline.map((l) => l.text)).toEqual([
      "Paid €40.00 (payment record)",
      "Refund €15.00 issued (refund record)",
    ]);
    expect(s.timeline.every((l) => l.fromRecord)).toBe(true);
  });

  it("device errors, reconnects and settlement read as sentences", () => {
    const s = story({
      events: [
        client("device_error", VIEWER, 0, { device: "camera", error: "denied" }),
        client("reconnecting", CREATOR, 10, { seq: 1 }),
        ev("session.settled", 20, "app", null, {
          outcome: "creator_no_show",
          explanation: "The creator never published video while the viewer was there; the viewer was refunded.",
        }),
      ],
    });
    expect(s.timeline.map((l) => l.text)).toEqual([
      "Paid €40.00 (payment record)",
      "Viewer: never allowed the camera",
      "Creator reconnecting…",
      "Settled: The creator never published video while the viewer was there; the viewer was refunded.",
    ]);
  });
});

describe("session story: waiting for the other side", () => {
  it("says how much of the wait for first video was the other side joining late", () => {
    // The viewer joins at 0; the creator's camera comes on only at 14 s; the viewer's first frame at 14.8 s.
    const events = [
      token(VIEWER, 0, 1, 1),
      client("ice_selected", VIEWER, 400, {
        attempt: 1,
        seq: 1,
        joinId: `join-${VIEWER}`,
        localCandidateType: "host",
        remoteCandidateType: "host",
        protocol: "udp",
      }),
      cameraOn(14_000),
      client("first_media", VIEWER, 14_800, { attempt: 1, seq: 1, joinId: `join-${VIEWER}`, msFromJoin: 14_800 }),
    ];
    expect(verdicts(story({ events })).viewer).toBe(
      "connected directly (host/udp); first video after 14.8 s (14.0 s of it waiting for the other side's camera)",
    );
    // A camera already on when the viewer joined: no waiting to mention.
    const early = [cameraOn(-5000), ...directViewer()];
    expect(verdicts(story({ events: early })).viewer).toBe("connected directly (host/udp); first video after 0.8 s");
  });
});

describe("session story: the verdict sums up the whole session, not the last attempt", () => {
  const MIN = 60_000;
  /** A whole join of the viewer (its own joinId): token, path, first video, LiveKit's join and leave. */
  const viewerJoin = (ms: number, seq: number, opts: { leaveAfter?: number; relay?: boolean } = {}) => {
    const joinId = `join-v-${seq}`;
    const ref = {
      role: "viewer",
      seq,
      attempt: 1,
      policy: "all",
      joinId,
      identity: VIEWER,
      participantSid: `PA_v${seq}`,
    };
    return [
      ev("token.issued", ms, "app", VIEWER, {
        role: "viewer",
        seq,
        attempt: 1,
        policy: "all",
        joinId,
        roomName: "booth-b1",
        expiresAt: at(ms + 300_000).toISOString(),
      }),
      ev("participant.joined", ms + 200, "livekit", VIEWER, { ...ref, webhookId: `wj${seq}` }),
      client("ice_selected", VIEWER, ms + 400, {
        seq,
        attempt: 1,
        joinId,
        localCandidateType: opts.relay ? "relay" : "host",
        protocol: "udp",
        ...(opts.relay ? { relayProtocol: "udp" } : {}),
      }),
      client("first_media", VIEWER, ms + 900, { seq, attempt: 1, joinId, msFromJoin: 900 }),
      ...(opts.leaveAfter !== undefined
        ? [
            ev("participant.left", ms + opts.leaveAfter, "livekit", VIEWER, {
              ...ref,
              disconnectReason: "CLIENT_INITIATED",
              webhookId: `wl${seq}`,
            }),
          ]
        : []),
    ];
  };

  it("twenty minutes of video, then a rejoin with the camera blocked", () => {
    const events = [
      ...viewerJoin(0, 1, { leaveAfter: 20 * MIN + 900 }),
      ev("token.issued", 21 * MIN, "app", VIEWER, {
        role: "viewer",
        seq: 2,
        attempt: 1,
        policy: "all",
        joinId: "join-v-2",
        roomName: "booth-b1",
        expiresAt: at(22 * MIN).toISOString(),
      }),
      client("device_error", VIEWER, 21 * MIN + 100, { device: "camera", error: "denied" }),
    ];
    const s = story({ events });
    expect(verdicts(s).viewer).toBe(
      "connected directly (host/udp); first video after 0.9 s; saw the other side's video for 20 min; a later rejoin had the camera blocked",
    );
    expect(s.participants[0]!.tone).toBe("warn");
  });

  it("leave and return: both joins saw video; the longer one speaks, the return is counted", () => {
    const s = story({
      events: [...viewerJoin(0, 1, { leaveAfter: 5 * MIN }), ...viewerJoin(6 * MIN, 2, { leaveAfter: 30 * MIN })],
    });
    expect(verdicts(s).viewer).toBe(
      "connected directly (host/udp); first video after 0.9 s; saw the other side's video for 30 min",
    );
    // The first join was the longer one: its return is what follows it.
    const t = story({
      events: [...viewerJoin(0, 1, { leaveAfter: 25 * MIN }), ...viewerJoin(26 * MIN, 2, { leaveAfter: 3 * MIN })],
    });
    expect(verdicts(t).viewer).toBe(
      "connected directly (host/udp); first video after 0.9 s; saw the other side's video for 25 min; left and came back once",
    );
  });

  it("relay after direct in one join, then a later rejoin that could not reach the server", () => {
    const events = [
      ...relayCreator(0),
      ev("participant.joined", 5500, "livekit", CREATOR, {
        role: "creator",
        seq: 2,
        attempt: 2,
        policy: "relay",
        joinId: `join-${CREATOR}`,
        identity: CREATOR,
        participantSid: "PA_c2",
        webhookId: "wjc",
      }),
      ev("participant.left", 15 * MIN, "livekit", CREATOR, {
        role: "creator",
        seq: 2,
        attempt: 2,
        policy: "relay",
        joinId: `join-${CREATOR}`,
        identity: CREATOR,
        participantSid: "PA_c2",
        disconnectReason: "CLIENT_INITIATED",
        webhookId: "wlc",
      }),
      token(CREATOR, 16 * MIN, 3, 1, "join-c-late"),
      client("attempt_failed", CREATOR, 16 * MIN + 5000, {
        attempt: 1,
        seq: 3,
        joinId: "join-c-late",
        stage: "signaling",
        afterMs: 5000,
      }),
    ];
    expect(verdicts(story({ events })).creator).toBe(
      "connected through TURN/UDP after the direct attempt failed for 5.0 s; first video after 6.2 s; saw the other side's video for 15 min; a later rejoin could not reach the server (signaling)",
    );
  });

  it("a tab switch (reconnecting, reconnected) within one join is a reconnect, not a new join", () => {
    const events = [
      ...viewerJoin(0, 1, { leaveAfter: 10 * MIN }),
      client("reconnecting", VIEWER, 3 * MIN, { seq: 1, attempt: 1, joinId: "join-v-1" }),
      client("reconnected", VIEWER, 3 * MIN + 2000, { seq: 1, attempt: 1, joinId: "join-v-1" }),
      client("reconnecting", VIEWER, 6 * MIN, { seq: 1, attempt: 1, joinId: "join-v-1" }),
    ];
    expect(verdicts(story({ events })).viewer).toBe(
      "connected directly (host/udp); first video after 0.9 s; saw the other side's video for 10 min; reconnected 2 times",
    );
  });

  it("an earlier join that failed does not hide a later one that worked", () => {
    const events = [
      token(VIEWER, 0, 1, 1, "join-v-early"),
      client("attempt_failed", VIEWER, 5000, {
        attempt: 1,
        seq: 1,
        joinId: "join-v-early",
        stage: "ice",
        afterMs: 5000,
      }),
      ...viewerJoin(MIN, 2, { leaveAfter: 12 * MIN }),
    ];
    expect(verdicts(story({ events })).viewer).toBe(
      "connected directly (host/udp); first video after 0.9 s; saw the other side's video for 12 min; an earlier join did not connect",
    );
  });
});
