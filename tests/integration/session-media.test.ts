import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { TokenResponse } from "@/lib/sessions/schemas";
import { TEST_PASSWORD } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import type { IcePath } from "../helpers/livekit";
import { paidSession } from "../helpers/sessions";

// The whole path of a paid session on the suite's real livekit-server: both participants get their
// tokens from Booth's endpoint, join as real WebRTC clients (@livekit/rtc-node, in a process of their
// own), the creator publishes a synthetic camera and the viewer decodes it. livekit-server's signed
// webhooks reach the app; the clients report their path and first frame through the diagnostics
// endpoint, as the room page does.

type Probe = {
  ok: boolean;
  error?: string;
  frame?: { width: number; height: number };
  path?: IcePath | null;
  creatorPath?: IcePath | null;
  joinToFirstFrameMs?: number;
};

const candidate = (t: string) => t.toLowerCase() as "host" | "srflx" | "prflx" | "relay";
const relayProtocol = (p: string | null) =>
  p ? (p.replace(/^TRANSPORT_/, "").toLowerCase() as "udp" | "tcp" | "tls") : null;

async function signedIn(email: string) {
  const c = new HttpClient();
  await c.signIn(email, TEST_PASSWORD);
  return c;
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function paidCall(mode: "direct" | "relay") {
  const s = await paidSession({ startsInMinutes: 2 });
  const viewer = await signedIn(s.viewer.email);
  const creator = await signedIn((await db.user.findUniqueOrThrow({ where: { id: s.creator.user.id } })).email);
  // The relay case is the connect policy's second attempt: its token asks for TURN only.
  const ask = { attempt: mode === "relay" ? 2 : 1, joinId: `join-${mode}-${Date.now()}` };
  const tokens: TokenResponse[] = [];
  for (const c of [creator, viewer]) {
    const res = await c.json(`/api/sessions/${s.booking.id}/token`, "POST", ask);
    expect(res.status).toBe(200);
    tokens.push((await res.json()) as TokenResponse);
  }
  const [ct, vt] = tokens as [TokenResponse, TokenResponse];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--import", "tsx", "tests/helpers/media-probe.ts", mode],
    {
      env: { ...process.env, PROBE_URL: vt.url, PROBE_CREATOR_TOKEN: ct.token, PROBE_VIEWER_TOKEN: vt.token },
      timeout: 60_000,
    },
  );
  const probe = JSON.parse(stdout.trim().split("\n").at(-1)!) as Probe;
  expect(probe, probe.error).toMatchObject({ ok: true, frame: { width: 320, height: 240 } });

  // What the clients saw, reported as the room page reports it.
  const report = async (c: HttpClient, t: TokenResponse, path: IcePath, firstMs?: number) => {
    const at = new Date().toISOString();
    const events: Record<string, unknown>[] = [
      {
        type: "ice_selected",
        at,
        seq: t.seq,
        attempt: t.attempt,
        joinId: t.joinId,
        localCandidateType: candidate(path.localType),
        remoteCandidateType: candidate(path.remoteType),
        protocol: path.protocol,
        relayProtocol: relayProtocol(path.relayProtocol),
        ...(path.url ? { relayUrl: path.url } : {}),
      },
    ];
    if (firstMs !== undefined)
      events.push({ type: "first_media", at, seq: t.seq, attempt: t.attempt, joinId: t.joinId, msFromJoin: firstMs });
    const res = await c.json(`/api/sessions/${s.booking.id}/diagnostics`, "POST", { events });
    expect(res.status).toBe(202);
  };
  await report(viewer, vt, probe.path!, probe.joinToFirstFrameMs);
  await report(creator, ct, probe.creatorPath!);

  // livekit-server's webhooks: both joins and the creator's camera, on the trace and the rows.
  const trace = await waitFor("both joins and the camera on the trace", async () => {
    const events = await db.traceEvent.findMany({
      where: { traceId: s.booking.traceId },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    });
    const joined = events.filter((e) => e.type === "participant.joined").map((e) => e.actorId);
    const camera = events.some(
      (e) =>
        e.type === "track.published" &&
        e.actorId === s.creator.user.id &&
        (e.payload as { source?: string }).source === "camera",
    );
    return joined.includes(s.viewer.id) && joined.includes(s.creator.user.id) && camera ? events : null;
  });
  const rows = await waitFor("both connection rows joined", async () => {
    const r = await db.participantConnection.findMany({ where: { roomSession: { bookingId: s.booking.id } } });
    return r.length === 2 && r.every((x) => x.joinedAt && x.livekitParticipantSid) ? r : null;
  });
  return { s, probe, trace, rows, tokens };
}

describe("a paid session on livekit-server", () => {
  it("both sides join with Booth's tokens; webhooks record the joins, the client reports first media on the direct path", async () => {
    const { s, probe, trace, rows } = await paidCall("direct");
    expect(probe.path?.localType).toMatch(/^(HOST|SRFLX|PRFLX)$/);
    const types = trace.map((e) => `${e.source}:${e.type}`);
    expect(types).toEqual(
      expect.arrayContaining([
        "app:token.issued",
        "livekit:room.started",
        "livekit:participant.joined",
        "livekit:track.published",
        "client:client.ice_selected",
        "client:client.first_media",
      ]),
    );
    const viewerRow = rows.find((r) => r.identity === s.viewer.id)!;
    expect(viewerRow).toMatchObject({
      role: "viewer",
      iceTransportPolicy: "all",
      localCandidateType: probe.path!.localType.toLowerCase(),
      protocol: "udp",
      relayProtocol: null,
      firstMediaMs: probe.joinToFirstFrameMs,
    });
    expect(viewerRow.livekitParticipantSid).toMatch(/^PA_/);
    const room = await db.roomSession.findUniqueOrThrow({ where: { bookingId: s.booking.id } });
    expect(room.livekitRoomSid).toMatch(/^RM_/);
  }, 90_000);

  it("with the relay policy forced, the trace and the connection rows record TURN/UDP", async () => {
    const { s, probe, trace, rows } = await paidCall("relay");
    expect(probe.path).toMatchObject({ localType: "RELAY", protocol: "udp", relayProtocol: "TRANSPORT_UDP" });
    for (const r of rows)
      expect(r).toMatchObject({ iceTransportPolicy: "relay", localCandidateType: "relay", relayProtocol: "udp" });
    const ice = trace.filter((e) => e.type === "client.ice_selected");
    expect(ice.map((e) => (e.payload as { localCandidateType: string; relayUrl?: string }).localCandidateType)).toEqual(
      ["relay", "relay"],
    );
    expect((ice[0]!.payload as { relayUrl?: string }).relayUrl).toMatch(/^turn:127\.0\.0\.1:\d+\?transport=udp$/);
    const meta = trace
      .filter((e) => e.type === "participant.joined")
      .map((e) => (e.payload as { policy: string }).policy);
    expect(meta).toEqual(["relay", "relay"]);
    expect(rows.find((r) => r.identity === s.viewer.id)!.firstMediaMs).toBe(probe.joinToFirstFrameMs);
  }, 90_000);
});
