/**
 * LiveKit on two nodes: two livekit-server v1.13.5 processes on loopback (their own ports) sharing one
 * redis-server, as production runs N nodes behind one URL (README, "Production topology"). Which node
 * hosts a room is LiveKit's choice; Booth must not care. Real servers, real rtc-node participants, nothing
 * mocked. Needs redis-server (installed with apt as root, see scripts/services/redis.ts): without it the
 * tests are skipped with the reason printed, and fail in CI.
 */
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { AccessToken, RoomServiceClient } from "livekit-server-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLivekitNode, writeLivekitConfig } from "../../scripts/services/livekit";
import { freePort, type Service } from "../../scripts/services/proc";
import { ensureRedisServer, redisMissingHelp, startRedis } from "../../scripts/services/redis";
import { ensureGoTool, root } from "../../scripts/services/tools";
import { db } from "@/lib/db";
import { RoomParticipant } from "../helpers/room-participant";
import { paidSession } from "../helpers/sessions";

const redisBin = ensureRedisServer();
if (!redisBin) {
  console.log(`livekit cluster: not run (${redisMissingHelp})`);
  if (process.env.CI) throw new Error(`livekit cluster: cannot run in CI: ${redisMissingHelp}`);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "booth-lk-cluster-"));
const services: Service[] = [];
const key = process.env.LIVEKIT_API_KEY!;
const secret = process.env.LIVEKIT_API_SECRET!;
type Node = { name: string; url: string; http: number };
const nodes: Node[] = [];

/** One node: scripts/services/livekit.yaml on free ports with the cluster's Redis, as `npm run dev -- --nodes 2` runs them. */
async function startNode(name: string, redisAddress: string): Promise<Node> {
  const ports = {
    http: await freePort(),
    tcp: await freePort(),
    udp: await freePort(),
    turn: await freePort(),
    // Its webhooks go to the suite's app, as every node's go to Booth.
    app: Number(new URL(process.env.APP_URL!).port),
  };
  const node = await startLivekitNode({
    bin: ensureGoTool("livekit-server")!,
    name: `livekit-server ${name}`,
    configFile: writeLivekitConfig(path.join(dir, name), ports, null, key, redisAddress),
    port: ports.http,
    apiKey: key,
    apiSecret: secret,
    logFile: path.join(dir, `${name}.log`),
  });
  services.push(node);
  return { name, url: node.url, http: ports.http };
}

const admin = (n: Node) => new RoomServiceClient(`http://127.0.0.1:${n.http}`, key, secret);

async function token(room: string, identity: string) {
  const at = new AccessToken(key, secret, { identity, ttl: "10m" });
  at.addGrant({ room, roomJoin: true, canPublish: true, canSubscribe: true });
  return at.toJwt();
}

/** Runs one of Booth's room calls in a process whose LIVEKIT_URL is `node` (tests/helpers/livekit-node-child.ts). */
async function boothCall(node: Node, command: "create" | "close" | "token", room: string, userId?: string) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=react-server",
      "--no-deprecation",
      path.join(root, "tests/helpers/livekit-node-child.ts"),
      command,
      room,
      ...(userId ? [userId] : []),
    ],
    {
      cwd: root,
      // The node is where Booth's server calls and where it sends browsers (no separate public URL).
      env: { ...process.env, LIVEKIT_URL: node.url, LIVEKIT_PUBLIC_URL: "", LOG_LEVEL: "silent" },
      timeout: 30_000,
    },
  );
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as {
    ok: boolean;
    error?: string;
    token?: string;
    url?: string;
    roomName?: string;
  };
}

describe.skipIf(!redisBin)("LiveKit on two nodes with one Redis", () => {
  beforeAll(async () => {
    const redis = await startRedis({ bin: redisBin!, port: await freePort(), logFile: path.join(dir, "redis.log") });
    services.push(redis);
    nodes.push(await startNode("a", redis.address), await startNode("b", redis.address));
  }, 60_000);

  afterAll(async () => {
    for (const s of services.reverse()) await s.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a room created through one node's API is listed by the other", async () => {
    const [a, b] = nodes as [Node, Node];
    const room = `cluster-list-${Date.now()}`;
    await admin(a).createRoom({ name: room, emptyTimeout: 60 });
    expect((await admin(b).listRooms([room])).map((r) => r.name)).toEqual([room]);
    await admin(b).deleteRoom(room);
    expect(await admin(a).listRooms([room])).toEqual([]);
  });

  it("a publisher on one node and a viewer on the other exchange media; Booth's room calls work through either node", async () => {
    const [a, b] = nodes as [Node, Node];
    const room = `cluster-media-${Date.now()}`;
    // Booth opens the room through node A, as its token endpoint would.
    expect(await boothCall(a, "create", room)).toEqual({ ok: true });
    const publisher = await RoomParticipant.join(a.url, await token(room, "creator-on-a"));
    const viewer = await RoomParticipant.join(b.url, await token(room, "viewer-on-b"));
    try {
      expect(await publisher.publish()).toEqual({ ok: true });
      const frame = await viewer.frameFrom("creator-on-a", 30_000);
      expect(frame).toMatchObject({ width: 320, height: 240 });
      // Both nodes see both participants, wherever each one is connected.
      for (const n of nodes)
        expect((await admin(n).listParticipants(room)).map((p) => p.identity).sort()).toEqual([
          "creator-on-a",
          "viewer-on-b",
        ]);
      // Booth closes it through node B: everyone on both nodes is disconnected.
      expect(await boothCall(b, "close", room)).toEqual({ ok: true });
      await Promise.all([publisher.disconnected(15_000), viewer.disconnected(15_000)]);
      expect(await admin(a).listRooms([room])).toEqual([]);
      // Closing it again through the other node is a no-op, as the outbox's retries need.
      expect(await boothCall(a, "close", room)).toEqual({ ok: true });
    } finally {
      publisher.kill();
      viewer.kill();
    }
  }, 90_000);

  it("a paid session with its creator on one node and its viewer on the other: Booth's tokens, media, and both joins on the session's trace", async () => {
    const [a, b] = nodes as [Node, Node];
    const { booking, viewer, creator } = await paidSession({ startsInMinutes: 2 });
    // Booth's token service, with its server on node A for the creator and on node B for the viewer.
    const forCreator = await boothCall(a, "token", booking.id, creator.user.id);
    const forViewer = await boothCall(b, "token", booking.id, viewer.id);
    expect(forCreator).toMatchObject({ ok: true, url: a.url });
    expect(forViewer).toMatchObject({ ok: true, url: b.url, roomName: forCreator.roomName });
    const creatorSide = await RoomParticipant.join(forCreator.url!, forCreator.token!);
    const viewerSide = await RoomParticipant.join(forViewer.url!, forViewer.token!);
    try {
      expect(await creatorSide.publish()).toEqual({ ok: true });
      expect(await viewerSide.frameFrom(creator.user.id, 30_000)).toMatchObject({ width: 320, height: 240 });
      // Each node sends its webhooks to Booth: both joins reach the session's trace, with one room SID.
      await expect
        .poll(
          async () =>
            (await db.traceEvent.findMany({ where: { traceId: booking.traceId, type: "participant.joined" } })).map(
              (e) => (e.payload as { identity?: string }).identity,
            ),
          { timeout: 20_000, interval: 500 },
        )
        .toEqual(expect.arrayContaining([creator.user.id, viewer.id]));
      const rs = await db.roomSession.findUniqueOrThrow({ where: { bookingId: booking.id } });
      expect(rs.livekitRoomSid).toMatch(/^RM_/);
      const sids = await db.participantConnection.findMany({
        where: { roomSessionId: rs.id, livekitParticipantSid: { not: null } },
        select: { identity: true },
      });
      expect(sids.map((c) => c.identity).sort()).toEqual([creator.user.id, viewer.id].sort());
    } finally {
      creatorSide.kill();
      viewerSide.kill();
    }
  }, 90_000);
});
