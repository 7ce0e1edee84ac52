import { TokenVerifier } from "livekit-server-sdk";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { settleSession } from "@/lib/sessions/lifecycle";
import { appendTrace } from "@/lib/trace/service";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { deliverLivekit, paidSession, recordPresence, signedLivekitWebhook } from "../helpers/sessions";

// Against the running app and PostgreSQL: the token rules, LiveKit webhooks (signed as livekit-server
// signs them), client diagnostics, and the no-show settlement.

async function signedIn(email: string) {
  const c = new HttpClient();
  await c.signIn(email, TEST_PASSWORD);
  expect(c.hasSession()).toBe(true);
  return c;
}

const askToken = (c: HttpClient, bookingId: string, body: Record<string, unknown> = {}) =>
  c.json(`/api/sessions/${bookingId}/token`, "POST", body);

describe("POST /api/sessions/:id/token", () => {
  it("spends the participant's token budget (20 a minute): 20 asks at once get numbers 1 to 20, the 21st is refused and writes nothing", async () => {
    const s = await paidSession({ startsInMinutes: 5 });
    const viewer = await signedIn(s.viewer.email);
    const answers = await Promise.all(Array.from({ length: 20 }, () => askToken(viewer, s.booking.id, {})));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    const seqs = await Promise.all(answers.map(async (r) => ((await r.json()) as { seq: number }).seq));
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));

    const refused = await askToken(viewer, s.booking.id, {});
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: string; details: { retryAfterSeconds: number } };
    expect(body.error).toMatch(/Too many requests to join this session; try again in \d+ s\./);
    expect(body.details.retryAfterSeconds).toBeGreaterThan(0);
    expect(body.details.retryAfterSeconds).toBeLessThanOrEqual(60);
    const rows = await db.participantConnection.findMany({
      where: { roomSession: { bookingId: s.booking.id }, identity: s.viewer.id },
      select: { attempt: true },
    });
    expect(rows).toHaveLength(20);
    expect(await db.traceEvent.count({ where: { traceId: s.booking.traceId, type: "token.issued" } })).toBe(20);

    // The budget is per participant: the creator's own is untouched.
    const creator = await signedIn(s.creator.user.email);
    expect((await askToken(creator, s.booking.id, {})).status).toBe(200);
  });

  it("gives the viewer and the creator a short-lived token for this room only, and records the attempt", async () => {
    const s = await paidSession({ startsInMinutes: 5 });
    const viewer = await signedIn(s.viewer.email);
    const res = await askToken(viewer, s.booking.id, { attempt: 1, joinId: "join-abc-123" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      token: string;
      roomName: string;
      role: string;
      seq: number;
      policy: string;
      identity: string;
    };
    expect(body).toMatchObject({
      roomName: `booth-${s.booking.id}`,
      role: "viewer",
      seq: 1,
      policy: "all",
      identity: s.viewer.id,
    });
    const claims = await new TokenVerifier(process.env.LIVEKIT_API_KEY!, process.env.LIVEKIT_API_SECRET!).verify(
      body.token,
    );
    expect(claims.sub).toBe(s.viewer.id);
    expect(claims.video).toMatchObject({
      room: `booth-${s.booking.id}`,
      roomJoin: true,
      canPublish: true,
      canSubscribe: true,
      canPublishData: true,
    });
    expect(claims.video?.roomAdmin).toBeFalsy();
    expect(claims.video?.canPublishSources).toEqual(["camera", "microphone"]);
    expect(JSON.parse(claims.metadata!)).toMatchObject({
      role: "viewer",
      bookingId: s.booking.id,
      attempt: 1,
      seq: 1,
      policy: "all",
    });
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(300);
    // Booth opened the room (livekit-server does not create rooms on join).
    const { RoomServiceClient } = await import("livekit-server-sdk");
    const rooms = new RoomServiceClient(
      process.env.LIVEKIT_URL!.replace(/^ws/, "http"),
      process.env.LIVEKIT_API_KEY!,
      process.env.LIVEKIT_API_SECRET!,
    );
    expect((await rooms.listRooms([`booth-${s.booking.id}`])).map((r) => r.name)).toEqual([`booth-${s.booking.id}`]);

    const creator = await signedIn((await db.user.findUniqueOrThrow({ where: { id: s.creator.user.id } })).email);
    const relay = (await (await askToken(creator, s.booking.id, { attempt: 2, joinId: "join-def-456" })).json()) as {
      token: string;
      role: string;
      policy: string;
    };
    expect(relay).toMatchObject({ role: "creator", policy: "relay" });
    const creatorClaims = await new TokenVerifier(process.env.LIVEKIT_API_KEY!, process.env.LIVEKIT_API_SECRET!).verify(
      relay.token,
    );
    expect(creatorClaims.video?.canPublishSources).toEqual(
      expect.arrayContaining(["camera", "microphone", "screen_share"]),
    );

    const rows = await db.participantConnection.findMany({
      where: { roomSession: { bookingId: s.booking.id } },
      orderBy: { createdAt: "asc" },
    });
    expect(rows.map((r) => [r.role, r.iceTransportPolicy, r.attempt, r.joinId])).toEqual([
      ["viewer", "all", 1, "join-abc-123"],
      ["creator", "relay", 1, "join-def-456"],
    ]);
    const issued = await db.traceEvent.findMany({ where: { traceId: s.booking.traceId, type: "token.issued" } });
    expect(issued).toHaveLength(2);
  });

  it("refuses with a 403 that says why: not paid, not open yet, ended, suspended; a stranger is told it does not exist", async () => {
    const stranger = await createUser();
    const s = await paidSession({ startsInMinutes: 5 });
    const r1 = await askToken(await signedIn(stranger.email), s.booking.id);
    expect(r1.status).toBe(404);
    const b1 = (await r1.json()) as Record<string, unknown>;
    expect(b1.details).toBeUndefined(); // not even when it opens

    const unpaid = await paidSession({ startsInMinutes: 5, status: "pending_payment" });
    const r2 = await askToken(await signedIn(unpaid.viewer.email), unpaid.booking.id);
    expect(r2.status).toBe(403);
    expect(await r2.json()).toMatchObject({
      details: { reason: "not_paid" },
      error: expect.stringMatching(/not paid/),
    });

    const later = await paidSession({ startsInMinutes: 90 });
    const r3 = await askToken(await signedIn(later.viewer.email), later.booking.id, { timeZone: "Asia/Tokyo" });
    expect(r3.status).toBe(403);
    const opensAt = new Date(later.booking.startsAt.getTime() - 10 * 60_000);
    const hhmm = new Intl.DateTimeFormat("en-GB", {
      timeZone: "Asia/Tokyo",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(opensAt);
    const b3 = (await r3.json()) as { error: string; details: { reason: string } };
    expect(b3.details.reason).toBe("not_open_yet");
    expect(b3.error).toContain(`opens at`);
    expect(b3.error).toContain(hhmm);
    expect(b3.error).toContain("Asia/Tokyo");

    const past = await paidSession({ startsInMinutes: -60, durationMinutes: 30 });
    const r4 = await askToken(await signedIn(past.viewer.email), past.booking.id);
    expect(r4.status).toBe(403);
    expect(await r4.json()).toMatchObject({ details: { reason: "ended" }, error: expect.stringMatching(/ended/) });

    const open = await paidSession({ startsInMinutes: 5 });
    const viewer = await signedIn(open.viewer.email);
    await db.user.update({ where: { id: open.viewer.id }, data: { status: "suspended" } });
    const r5 = await askToken(viewer, open.booking.id);
    expect(r5.status).toBe(403);
    expect(await r5.json()).toMatchObject({
      details: { reason: "suspended" },
      error: expect.stringMatching(/suspended/),
    });

    const refused = await db.traceEvent.findMany({
      where: {
        traceId: { in: [unpaid.booking.traceId, later.booking.traceId, past.booking.traceId] },
        type: "token.refused",
      },
    });
    expect(refused.map((e) => (e.payload as { reason: string }).reason).sort()).toEqual([
      "ended",
      "not_open_yet",
      "not_paid",
    ]);
  });

  it("limits each participant to SESSION_TOKEN_MAX_PER_MINUTE tokens (20) a minute per session", async () => {
    const s = await paidSession({ startsInMinutes: 5 });
    const viewer = await signedIn(s.viewer.email);
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) statuses.push((await askToken(viewer, s.booking.id)).status);
    expect(statuses.filter((x) => x === 200)).toHaveLength(20);
    const refused = await askToken(viewer, s.booking.id);
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({
      error: expect.stringMatching(/Too many requests to join/),
      details: { retryAfterSeconds: expect.any(Number) },
    });
    // Refused requests write nothing: 20 connection rows, 20 token.issued events.
    expect(await db.participantConnection.count({ where: { roomSession: { bookingId: s.booking.id } } })).toBe(20);
    expect(await db.traceEvent.count({ where: { traceId: s.booking.traceId, type: "token.issued" } })).toBe(20);
  });

  it("answers a malformed request with 422 and the field, and a signed-out caller with 401", async () => {
    const s = await paidSession({ startsInMinutes: 5 });
    const res = await askToken(await signedIn(s.viewer.email), s.booking.id, { attempt: 7 });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ fieldErrors: { attempt: expect.any(Array) } });
    expect((await askToken(new HttpClient(), s.booking.id)).status).toBe(401);
  });
});

describe("POST /api/livekit/webhook", () => {
  const participant = (identity: string, sid: string, meta: Record<string, unknown>) => ({
    sid,
    identity,
    metadata: JSON.stringify(meta),
  });

  it("refuses a forged or missing signature with 401 and records nothing", async () => {
    const s = await paidSession();
    const event = { event: "room_started", room: { name: `booth-${s.booking.id}`, sid: "RM_forged" } };
    const forged = await signedLivekitWebhook(event, { secret: "another-secret-another-secret-another-secret" });
    expect((await deliverLivekit(forged)).status).toBe(401);
    const real = await signedLivekitWebhook(event);
    expect((await deliverLivekit({ body: real.body })).status).toBe(401);
    // A body altered after signing no longer matches the signature's checksum.
    expect(
      (await deliverLivekit({ body: real.body.replace("RM_forged", "RM_altered"), authorization: real.authorization }))
        .status,
    ).toBe(401);
    expect(await db.traceEvent.count({ where: { traceId: s.booking.traceId } })).toBe(0);
  });

  it("answers a correctly signed body that is not a LiveKit event with 400, not 401", async () => {
    const { AccessToken } = await import("livekit-server-sdk");
    const crypto = await import("node:crypto");
    for (const body of ["not json at all", JSON.stringify({ event: 5, room: "nope" })]) {
      const at = new AccessToken(process.env.LIVEKIT_API_KEY!, process.env.LIVEKIT_API_SECRET!);
      at.sha256 = crypto.createHash("sha256").update(body).digest("base64");
      const res = await deliverLivekit({ body, authorization: await at.toJwt() });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: expect.stringMatching(/not a LiveKit webhook event/) });
    }
  });

  it("a token's lifetime ends with the room's window", async () => {
    // Ends 9 minutes ago: the room closes (end plus 10 minutes' grace) in about a minute.
    const s = await paidSession({ startsInMinutes: -39, durationMinutes: 30 });
    const body = (await (await askToken(await signedIn(s.viewer.email), s.booking.id)).json()) as { token: string };
    const claims = await new TokenVerifier(process.env.LIVEKIT_API_KEY!, process.env.LIVEKIT_API_SECRET!).verify(
      body.token,
    );
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(61);
    expect(claims.exp! - claims.nbf!).toBeGreaterThan(40);
  });

  it("records each event once, in any order: a leave before its join, a finish before its start", async () => {
    const s = await paidSession();
    const room = { name: `booth-${s.booking.id}`, sid: `RM_${s.booking.id}` };
    const t0 = Math.floor(Date.now() / 1000) - 120; // stamps well before their delivery: the stamp is the time
    const meta = { role: "viewer", bookingId: s.booking.id, attempt: 1, seq: 1, policy: "all", joinId: "join-xyz-123" };
    const left = await signedLivekitWebhook({
      event: "participant_left",
      createdAt: String(t0 + 30),
      room,
      participant: { ...participant(s.viewer.id, `PA_${s.booking.id}`, meta), disconnectReason: "CLIENT_INITIATED" },
    });
    const joined = await signedLivekitWebhook({
      event: "participant_joined",
      createdAt: String(t0 + 2),
      room,
      participant: participant(s.viewer.id, `PA_${s.booking.id}`, meta),
    });
    const finished = await signedLivekitWebhook({ event: "room_finished", createdAt: String(t0 + 60), room });
    const started = await signedLivekitWebhook({ event: "room_started", createdAt: String(t0), room });
    // The camera's event arrives before the join it follows.
    const camera = await signedLivekitWebhook({
      event: "track_published",
      createdAt: String(t0 + 3),
      room,
      participant: participant(s.viewer.id, `PA_${s.booking.id}`, meta),
      track: { sid: `TR_${s.booking.id}`, type: "VIDEO", source: "CAMERA" },
    });
    // Someone without a Booth token (an agent, a tool): on the trace, nobody's connection.
    const stray = await signedLivekitWebhook({
      event: "participant_joined",
      createdAt: String(t0 + 5),
      room,
      participant: { sid: `PA_stray_${s.booking.id}`, identity: "some-agent" },
    });
    for (const hook of [left, camera, finished, joined, started, stray, joined, left])
      expect((await deliverLivekit(hook)).status).toBe(200);
    const dup = (await (await deliverLivekit(started)).json()) as { result: string };
    expect(dup.result).toBe("duplicate");

    const rs = await db.roomSession.findUniqueOrThrow({
      where: { bookingId: s.booking.id },
      include: { connections: true },
    });
    expect(rs).toMatchObject({
      status: "ended",
      livekitRoomSid: room.sid,
      startedAt: new Date(t0 * 1000),
      endedAt: new Date((t0 + 60) * 1000),
    });
    expect(rs.connections).toHaveLength(1);
    expect(rs.connections[0]).toMatchObject({
      role: "viewer",
      attempt: 1,
      livekitParticipantSid: `PA_${s.booking.id}`,
      joinedAt: new Date((t0 + 2) * 1000),
      leftAt: new Date((t0 + 30) * 1000),
      disconnectReason: "CLIENT_INITIATED",
      firstPublishedAt: new Date((t0 + 3) * 1000),
      publishedSources: ["camera"],
    });
    const events = await db.traceEvent.findMany({
      where: { traceId: s.booking.traceId, source: "livekit" },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    });
    expect(events.map((e) => e.type)).toEqual([
      "room.started",
      "participant.joined",
      "track.published",
      "participant.joined",
      "participant.left",
      "room.finished",
    ]);
    expect(events[3]!.payload).toMatchObject({ identity: "some-agent", role: null });
  });

  it("never puts a join before its own token, though LiveKit stamps whole seconds", async () => {
    const s = await paidSession({ startsInMinutes: 5 });
    const viewer = await signedIn(s.viewer.email);
    const t = (await (await askToken(viewer, s.booking.id, { joinId: "join-order-01" })).json()) as { seq: number };
    const row = await db.participantConnection.findFirstOrThrow({
      where: { roomSession: { bookingId: s.booking.id }, identity: s.viewer.id },
    });
    // Delivered more than a second later, so the whole-second stamp is all there is to go by.
    await new Promise((r) => setTimeout(r, 1100));
    const meta = {
      role: "viewer",
      bookingId: s.booking.id,
      attempt: 1,
      seq: t.seq,
      policy: "all",
      joinId: "join-order-01",
    };
    const stamp = String(Math.floor(row.tokenIssuedAt!.getTime() / 1000));
    expect(
      (
        await deliverLivekit(
          await signedLivekitWebhook({
            event: "participant_joined",
            createdAt: stamp,
            room: { name: `booth-${s.booking.id}`, sid: `RM_o_${s.booking.id}` },
            participant: participant(s.viewer.id, `PA_o_${s.booking.id}`, meta),
          }),
        )
      ).status,
    ).toBe(200);
    const joined = await db.traceEvent.findFirstOrThrow({
      where: { traceId: s.booking.traceId, type: "participant.joined" },
    });
    expect(joined.occurredAt.getTime()).toBeGreaterThanOrEqual(row.tokenIssuedAt!.getTime());
  });

  it("acknowledges events about rooms that are not sessions without recording them", async () => {
    const res = await deliverLivekit(
      await signedLivekitWebhook({ event: "room_started", room: { name: "some-other-room", sid: "RM_other" } }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: "ignored" });
  });
});

describe("POST /api/sessions/:id/diagnostics", () => {
  const now = () => new Date().toISOString();

  it("stores a participant's batch on the trace and the connection row, once per batch id", async () => {
    const s = await paidSession({ startsInMinutes: 5 });
    const viewer = await signedIn(s.viewer.email);
    const { seq } = (await (await askToken(viewer, s.booking.id, { joinId: "join-diag-001" })).json()) as {
      seq: number;
    };
    const batch = {
      batchId: "batch-0001-abcd",
      events: [
        { type: "signal_connected", at: now(), seq, attempt: 1, joinId: "join-diag-001" },
        {
          type: "ice_selected",
          at: now(),
          seq,
          attempt: 1,
          joinId: "join-diag-001",
          localCandidateType: "relay",
          remoteCandidateType: "host",
          protocol: "udp",
          relayProtocol: "udp",
          relayUrl: "turn:127.0.0.1:3478?transport=udp",
        },
        { type: "first_media", at: now(), seq, attempt: 1, joinId: "join-diag-001", msFromJoin: 812 },
        { type: "reconnecting", at: now(), seq, attempt: 1 },
      ],
    };
    const res = await viewer.json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", batch);
    expect(res.status).toBe(202);
    expect(await res.json()).toMatchObject({ accepted: 4, duplicate: false });
    const again = await viewer.json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", batch);
    expect(await again.json()).toMatchObject({ duplicate: true });

    const row = await db.participantConnection.findFirstOrThrow({
      where: { roomSession: { bookingId: s.booking.id }, identity: s.viewer.id, attempt: seq },
    });
    expect(row).toMatchObject({
      localCandidateType: "relay",
      remoteCandidateType: "host",
      protocol: "udp",
      relayProtocol: "udp",
      firstMediaMs: 812,
      reconnects: 1,
    });
    expect(row.signalConnectedAt).not.toBeNull();
    const client = await db.traceEvent.findMany({
      where: { traceId: s.booking.traceId, source: "client" },
      orderBy: { id: "asc" },
    });
    expect(client.map((e) => e.type)).toEqual([
      "client.signal_connected",
      "client.ice_selected",
      "client.first_media",
      "client.reconnecting",
    ]);
    expect(client[1]!.payload).toMatchObject({ role: "viewer", localCandidateType: "relay", relayProtocol: "udp" });
    expect(client.every((e) => e.actorId === s.viewer.id)).toBe(true);
  });

  it("a batch that arrives late (a slow server, a browser back online) keeps its events' own times and order", async () => {
    const s = await paidSession({ startsInMinutes: 5 });
    const viewer = await signedIn(s.viewer.email);
    const { seq } = (await (await askToken(viewer, s.booking.id, { joinId: "join-late-0001" })).json()) as {
      seq: number;
    };
    const t = Date.now();
    const iso = (ms: number) => new Date(t + ms).toISOString();
    // Sent on time: the join and the departure.
    const onTime = await viewer.json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", {
      batchId: "late-batch-b",
      sentAt: iso(0),
      events: [{ type: "disconnected", at: iso(-1000), seq, attempt: 1, reason: "CLIENT_INITIATED" }],
    });
    expect(onTime.status).toBe(202);
    // Stamped 10 minutes and 30 s before the departure, sent only now (the page was offline, the server slow).
    const late = await viewer.json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", {
      batchId: "late-batch-a",
      sentAt: iso(0),
      events: [
        { type: "token_received", at: iso(-600_000), seq, attempt: 1, joinId: "join-late-0001", policy: "all" },
        { type: "signal_connected", at: iso(-599_000), seq, attempt: 1, joinId: "join-late-0001" },
        { type: "reconnecting", at: iso(-30_000), seq, attempt: 1 },
      ],
    });
    expect(late.status).toBe(202);
    const client = await db.traceEvent.findMany({
      where: { traceId: s.booking.traceId, source: "client" },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    });
    expect(client.map((e) => [e.type, e.occurredAt.getTime() - t])).toEqual([
      ["client.token_received", -600_000],
      ["client.signal_connected", -599_000],
      ["client.reconnecting", -30_000],
      ["client.disconnected", -1000],
    ]);
  });

  it("a time no browser could have (a page that could not sync its clock) is bounded, keeping the batch's order", async () => {
    const s = await paidSession({ startsInMinutes: 5 });
    const viewer = await signedIn(s.viewer.email);
    const before = Date.now();
    const ahead = (ms: number) => new Date(before + 2 * 3_600_000 + ms).toISOString(); // two hours ahead
    expect(
      (
        await viewer.json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", {
          events: [
            { type: "reconnecting", at: ahead(0) },
            { type: "reconnected", at: new Date(before - 1000).toISOString() }, // earlier than the one before it
          ],
        })
      ).status,
    ).toBe(202);
    const [first, second] = await db.traceEvent.findMany({
      where: { traceId: s.booking.traceId, source: "client" },
      orderBy: { id: "asc" },
    });
    expect(first!.occurredAt.getTime()).toBeGreaterThanOrEqual(before);
    expect(first!.occurredAt.getTime()).toBeLessThanOrEqual(Date.now() + 60_000);
    // Never before the event reported ahead of it in the same batch.
    expect(second!.occurredAt.getTime()).toBeGreaterThanOrEqual(first!.occurredAt.getTime());
  });

  it("takes no reports about a session whose room is far from open", async () => {
    const s = await paidSession({ startsInMinutes: 180 });
    const res = await (await signedIn(s.viewer.email)).json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", {
      events: [{ type: "reconnected", at: now() }],
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/not open/) });
  });

  it("accepts reports only from the session's participants", async () => {
    const s = await paidSession({ startsInMinutes: 5 });
    const stranger = await createUser();
    const res = await (await signedIn(stranger.email)).json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", {
      events: [{ type: "signal_connected", at: now() }],
    });
    expect(res.status).toBe(403);
    expect(
      (
        await new HttpClient().json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", {
          events: [{ type: "signal_connected", at: now() }],
        })
      ).status,
    ).toBe(401);
    expect(await db.traceEvent.count({ where: { traceId: s.booking.traceId, source: "client" } })).toBe(0);
  });

  it("says what is wrong with a malformed, oversized or too-long batch", async () => {
    const s = await paidSession({ startsInMinutes: 5 });
    const viewer = await signedIn(s.viewer.email);
    const bad = await viewer.json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", {
      events: [{ type: "ice_selected", at: now(), localCandidateType: "carrier-pigeon", protocol: "udp" }],
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain("events");
    const many = await viewer.json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", {
      events: Array.from({ length: 51 }, () => ({ type: "reconnected", at: now() })),
    });
    expect(many.status).toBe(422);
    expect(JSON.stringify(await many.json())).toMatch(/at most 50/);
    const big = await viewer.json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", {
      events: [{ type: "disconnected", at: now(), reason: "x" }],
      padding: "x".repeat(20_000),
    });
    expect(big.status).toBe(413);
    const notJson = await viewer.fetch(`/api/sessions/${s.booking.id}/diagnostics`, {
      method: "POST",
      body: "{oops",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
    expect(await db.traceEvent.count({ where: { traceId: s.booking.traceId, source: "client" } })).toBe(0);
  });

  it("limits each participant to DIAGNOSTICS_MAX_BATCHES_PER_MINUTE batches (30) a minute", async () => {
    const s = await paidSession({ startsInMinutes: 5 });
    const viewer = await signedIn(s.viewer.email);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++)
      statuses.push(
        (
          await viewer.json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", {
            events: [{ type: "reconnected", at: now() }],
          })
        ).status,
      );
    expect(statuses.filter((x) => x === 202)).toHaveLength(30);
    expect(statuses.slice(30)).toEqual([429, 429]);
    // The creator's budget is their own.
    const creatorEmail = (await db.user.findUniqueOrThrow({ where: { id: s.creator.user.id } })).email;
    expect(
      (
        await (
          await signedIn(creatorEmail)
        ).json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", { events: [{ type: "reconnected", at: now() }] })
      ).status,
    ).toBe(202);
  });
});

describe("settling an ended session", () => {
  const ended = () => paidSession({ startsInMinutes: -60, durationMinutes: 30 });

  it("refunds the viewer in full, once, when the creator never published media while the viewer was there", async () => {
    const s = await ended();
    await recordPresence(s, [
      { type: "participant.joined", role: "viewer", atMin: 0 },
      { type: "participant.joined", role: "creator", atMin: 1 },
      { type: "participant.left", role: "viewer", atMin: 20 },
      // The camera came on only after the viewer had gone.
      { type: "track.published", role: "creator", atMin: 25, source: "camera" },
    ]);
    const results = await Promise.allSettled([
      settleSession(s.booking.id),
      settleSession(s.booking.id),
      settleSession(s.booking.id),
    ]);
    expect(results.filter((r) => r.status === "fulfilled" && r.value === true)).toHaveLength(1);
    expect(await settleSession(s.booking.id)).toBe(false);

    const refunds = await db.refund.findMany({ where: { paymentId: s.payment.id } });
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amountCents: 4000, idempotencyKey: `no-show:${s.booking.id}` });
    const booking = await db.booking.findUniqueOrThrow({ where: { id: s.booking.id }, include: { roomSession: true } });
    expect(booking).toMatchObject({ status: "cancelled", roomSession: { outcome: "creator_no_show" } });
    const settled = await db.traceEvent.findMany({ where: { traceId: s.booking.traceId, type: "session.settled" } });
    expect(settled).toHaveLength(1);
    expect(settled[0]!.payload).toMatchObject({
      outcome: "creator_no_show",
      explanation: expect.stringMatching(/never published camera or microphone/),
      refundId: refunds[0]!.id,
    });
  });

  it("refunds nothing when LiveKit's record and the viewer's browser disagree, and flags the payment", async () => {
    const s = await ended();
    // The creator's track_published webhook was lost (a restart), but the viewer's browser decoded video.
    await recordPresence(s, [
      { type: "participant.joined", role: "viewer", atMin: 0 },
      { type: "participant.joined", role: "creator", atMin: 0 },
    ]);
    await appendTrace({
      traceId: s.booking.traceId,
      type: "client.first_media",
      source: "client",
      actorId: s.viewer.id,
      occurredAt: new Date(s.booking.startsAt.getTime() + 60_000),
      payload: { role: "viewer", msFromJoin: 900 },
    });
    expect(await settleSession(s.booking.id)).toBe(true);
    expect(await db.refund.count({ where: { paymentId: s.payment.id } })).toBe(0);
    expect(await db.payment.findUniqueOrThrow({ where: { id: s.payment.id } })).toMatchObject({
      status: "paid",
      reviewReason: expect.stringMatching(/unclear/),
    });
    expect(await db.roomSession.findUniqueOrThrow({ where: { bookingId: s.booking.id } })).toMatchObject({
      outcome: "unclear",
    });
  });

  it("never refunds more than was paid when an admin refunds at the moment the no-show is settled", async () => {
    const { refundPurchase } = await import("@/lib/payments/refunds");
    const admin = await createUser({ role: "admin" });
    for (let round = 0; round < 3; round++) {
      const s = await ended();
      await recordPresence(s, [{ type: "participant.joined", role: "viewer", atMin: 0 }]);
      await Promise.allSettled([
        settleSession(s.booking.id),
        refundPurchase({
          purchase: { kind: "booking", id: s.booking.id },
          reason: "goodwill",
          requestedById: admin.id,
          idempotencyKey: `race-${s.booking.id}`,
        }),
      ]);
      const refunds = await db.refund.findMany({ where: { paymentId: s.payment.id } });
      expect(refunds).toHaveLength(1);
      expect(refunds[0]!.amountCents).toBe(4000);
      expect(await db.roomSession.findUniqueOrThrow({ where: { bookingId: s.booking.id } })).toMatchObject({
        outcome: "creator_no_show",
      });
    }
  });

  it("keeps the payment with the creator when the viewer never came, and says so", async () => {
    const s = await ended();
    await recordPresence(s, [
      { type: "participant.joined", role: "creator", atMin: 0 },
      { type: "track.published", role: "creator", atMin: 0, source: "camera" },
    ]);
    expect(await settleSession(s.booking.id)).toBe(true);
    expect(await db.refund.count({ where: { paymentId: s.payment.id } })).toBe(0);
    const booking = await db.booking.findUniqueOrThrow({ where: { id: s.booking.id }, include: { roomSession: true } });
    expect(booking).toMatchObject({ status: "completed", roomSession: { outcome: "viewer_no_show" } });
    const settled = await db.traceEvent.findFirstOrThrow({
      where: { traceId: s.booking.traceId, type: "session.settled" },
    });
    expect(settled.payload).toMatchObject({
      outcome: "viewer_no_show",
      explanation: expect.stringMatching(/creator keeps the payment/),
    });
  });

  it("completes a session where the creator's media reached the viewer, and leaves a session not yet over alone", async () => {
    const s = await ended();
    await recordPresence(s, [
      { type: "track.published", role: "creator", atMin: -2, source: "microphone" },
      { type: "participant.joined", role: "creator", atMin: -3 },
      { type: "participant.joined", role: "viewer", atMin: 1 },
    ]);
    expect(await settleSession(s.booking.id)).toBe(true);
    expect(await db.booking.findUniqueOrThrow({ where: { id: s.booking.id } })).toMatchObject({ status: "completed" });
    expect(await db.refund.count({ where: { paymentId: s.payment.id } })).toBe(0);

    const live = await paidSession({ startsInMinutes: -5 });
    expect(await settleSession(live.booking.id)).toBe(false);
    expect(await db.booking.findUniqueOrThrow({ where: { id: live.booking.id } })).toMatchObject({
      status: "confirmed",
    });
  });
});

describe("the server's closing of a room (livekit-server)", () => {
  it("warns a room LiveKit already closed (everyone left) once and is done: nobody is in it, nothing to retry", async () => {
    const { sweepSessions } = await import("@/lib/sessions/lifecycle");
    const { ensureRoomSession } = await import("@/lib/sessions/service");
    // Someone was given a token (the room-session row), but the room is gone from livekit-server.
    const s = await paidSession({ startsInMinutes: -29, durationMinutes: 30 });
    await ensureRoomSession(s.booking);
    const result = await sweepSessions(new Date(s.booking.endsAt.getTime() - 60_000), { bookingIds: [s.booking.id] });
    expect(result.warned).toBe(1);
    const warned = await db.traceEvent.findMany({ where: { traceId: s.booking.traceId, type: "session.warned" } });
    expect(warned.map((e) => (e.payload as { result: string }).result)).toEqual(["nobody in the room"]);
    expect(
      await db.outboxEffect.findMany({
        where: { traceId: s.booking.traceId },
        select: { status: true, attempts: true },
      }),
    ).toEqual([{ status: "done", attempts: 1 }]);
  });

  it("leaves sessions that ended more than a week ago to a person (bookings from before live sessions)", async () => {
    const { sweepSessions } = await import("@/lib/sessions/lifecycle");
    const old = await paidSession({ startsInMinutes: -8 * 24 * 60, durationMinutes: 30 });
    const recent = await paidSession({ startsInMinutes: -6 * 24 * 60, durationMinutes: 30 });
    const only = { bookingIds: [old.booking.id, recent.booking.id] };
    await sweepSessions(new Date(), only);
    await sweepSessions(new Date(Date.now() + 61_000), only);
    expect(await db.roomSession.findUnique({ where: { bookingId: old.booking.id } })).toBeNull();
    expect(await db.booking.findUniqueOrThrow({ where: { id: old.booking.id } })).toMatchObject({
      status: "confirmed",
    });
    expect(await db.roomSession.findUniqueOrThrow({ where: { bookingId: recent.booking.id } })).toMatchObject({
      outcome: "nobody_joined",
      closedAt: expect.any(Date),
    });
  });

  it("warns once 2 minutes before the end, closes the room once at the end plus grace, then settles", async () => {
    const { RoomServiceClient } = await import("livekit-server-sdk");
    const { sweepSessions, SETTLE_DELAY_MS } = await import("@/lib/sessions/lifecycle");
    const rooms = new RoomServiceClient(
      process.env.LIVEKIT_URL!.replace(/^ws/, "http"),
      process.env.LIVEKIT_API_KEY!,
      process.env.LIVEKIT_API_SECRET!,
    );
    const s = await paidSession({ startsInMinutes: -29, durationMinutes: 30 });
    const roomName = `booth-${s.booking.id}`;
    await rooms.createRoom({ name: roomName, emptyTimeout: 600 });
    // livekit-server's room_started webhook marks the room live.
    for (
      let i = 0;
      i < 80 && (await db.roomSession.findUnique({ where: { bookingId: s.booking.id } }))?.status !== "active";
      i++
    )
      await new Promise((r) => setTimeout(r, 250));

    const endsAt = s.booking.endsAt.getTime();
    // Swept with a chosen clock, for this booking only: other tests' sessions are left alone.
    const only = { bookingIds: [s.booking.id] };
    const early = await sweepSessions(new Date(endsAt - 3 * 60_000), only);
    expect(await db.traceEvent.count({ where: { traceId: s.booking.traceId, type: "session.warned" } })).toBe(0);
    expect(early.warned).toBe(0);
    await sweepSessions(new Date(endsAt - 2 * 60_000 + 1000), only);
    await sweepSessions(new Date(endsAt - 60_000), only);
    const warned = await db.traceEvent.findMany({ where: { traceId: s.booking.traceId, type: "session.warned" } });
    expect(warned).toHaveLength(1);
    expect(warned[0]!.payload).toMatchObject({ result: "sent", endsAt: s.booking.endsAt.toISOString() });
    expect((await rooms.listRooms([roomName])).map((r) => r.name)).toEqual([roomName]);

    // Inside the grace period the room stays open; at its end it is closed, once.
    await sweepSessions(new Date(endsAt + 9 * 60_000), only);
    expect((await rooms.listRooms([roomName])).length).toBe(1);
    await sweepSessions(new Date(endsAt + 10 * 60_000), only);
    await sweepSessions(new Date(endsAt + 10 * 60_000 + 5000), only);
    expect(await rooms.listRooms([roomName])).toEqual([]);
    expect(await db.traceEvent.count({ where: { traceId: s.booking.traceId, type: "session.closed" } })).toBe(1);
    expect(await db.roomSession.findUniqueOrThrow({ where: { bookingId: s.booking.id } })).toMatchObject({
      closedAt: expect.any(Date),
      settledAt: null,
    });

    // A minute later it is settled: nobody joined, so the payment is kept and flagged for a person.
    await sweepSessions(new Date(endsAt + 10 * 60_000 + SETTLE_DELAY_MS), only);
    expect(await db.roomSession.findUniqueOrThrow({ where: { bookingId: s.booking.id } })).toMatchObject({
      outcome: "nobody_joined",
      settledAt: expect.any(Date),
    });
    expect(await db.payment.findUniqueOrThrow({ where: { id: s.payment.id } })).toMatchObject({
      status: "paid",
      reviewReason: expect.stringMatching(/nobody joined/),
    });
  });
});
