import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { TokenResponse } from "@/lib/sessions/schemas";
import { TEST_PASSWORD } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { RoomParticipant } from "../helpers/room-participant";
import { paidSession, signedLivekitWebhook } from "../helpers/sessions";

// A recorded private session on the real stack: livekit-server with Redis, LiveKit Egress v1.12.0 (built
// from source by npm test), and the app. Both sides join with Booth's tokens as real WebRTC clients
// (@livekit/rtc-node) and publish a synthetic camera; Egress records each track into its spool folder,
// its webhooks reach the app, and the app moves the files into storage.

const run = promisify(execFile);
const participants: RoomParticipant[] = [];
afterAll(() => {
  for (const p of participants) p.kill();
});

async function signedIn(email: string) {
  const c = new HttpClient();
  await c.signIn(email, TEST_PASSWORD);
  return c;
}

async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 60_000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** The media duration ffprobe reads from a file (seconds), from its last packet when the container has none. */
async function probeSeconds(file: string) {
  const { stdout } = await run("ffprobe", ["-v", "error", "-show_entries", "format=duration", "-of", "json", file]);
  const d = Number((JSON.parse(stdout) as { format?: { duration?: string } }).format?.duration);
  if (Number.isFinite(d) && d > 0) return d;
  const pk = await run("ffprobe", ["-v", "error", "-show_entries", "packet=pts_time", "-of", "csv=p=0", file], {
    maxBuffer: 64 * 1024 * 1024,
  });
  const times = pk.stdout.split("\n").map(Number).filter(Number.isFinite);
  return Math.max(...times) - Math.min(...times);
}

async function recordedCall(seconds: number) {
  const s = await paidSession({ startsInMinutes: 1, recordingPolicy: "always" });
  const creatorEmail = (await db.user.findUniqueOrThrow({ where: { id: s.creator.user.id } })).email;
  const tokens: TokenResponse[] = [];
  for (const email of [creatorEmail, s.viewer.email]) {
    const c = await signedIn(email);
    const res = await c.json(`/api/sessions/${s.booking.id}/token`, "POST", {
      attempt: 1,
      joinId: `rec-${Date.now()}`,
    });
    expect(res.status).toBe(200);
    tokens.push((await res.json()) as TokenResponse);
  }
  const [ct, vt] = tokens as [TokenResponse, TokenResponse];
  const creator = await RoomParticipant.join(ct.url, ct.token);
  participants.push(creator);
  const viewer = await RoomParticipant.join(vt.url, vt.token);
  participants.push(viewer);
  expect(await creator.publish()).toEqual({ ok: true });
  expect(await viewer.publish()).toEqual({ ok: true });
  const room = await db.roomSession.findUniqueOrThrow({ where: { bookingId: s.booking.id } });
  await waitFor("both cameras recording", async () => {
    const rows = await db.recording.findMany({ where: { roomSessionId: room.id, status: "active" } });
    return rows.length === 2 ? rows : null;
  });
  await new Promise((r) => setTimeout(r, seconds * 1000));
  await creator.leave();
  await viewer.leave();
  const rows = await waitFor(
    "both recordings stored",
    async () => {
      const r = await db.recording.findMany({ where: { roomSessionId: room.id } });
      return r.length === 2 && r.every((x) => x.status === "complete" && x.storageKey) ? r : null;
    },
    90_000,
  );
  return { s, room, rows };
}

describe("recording a paid session with LiveKit Egress", () => {
  it("records each side's camera into a file ffprobe reads, as long as the media flowed; the trace says so exactly once, redelivered too", async () => {
    const { s, rows } = await recordedCall(12);
    const trace = await db.traceEvent.findMany({
      where: { traceId: s.booking.traceId },
      orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
    });
    for (const r of rows) {
      const file = path.join(process.env.STORAGE_DIR!, r.storageKey!);
      expect(fs.existsSync(file)).toBe(true);
      expect(fs.statSync(file).size).toBe(Number(r.sizeBytes));
      const probed = await probeSeconds(file);
      // The time this track's media flowed, from the trace: published until unpublished.
      const published = trace.find(
        (e) => e.type === "track.published" && (e.payload as { trackSid?: string }).trackSid === r.trackSid,
      )!;
      const unpublished = trace.find(
        (e) =>
          (e.type === "track.unpublished" && (e.payload as { trackSid?: string }).trackSid === r.trackSid) ||
          (e.type === "participant.left" && e.actorId === r.identity),
      )!;
      const mediaSeconds = (unpublished.occurredAt.getTime() - published.occurredAt.getTime()) / 1000;
      console.log(
        `recording ${r.egressId} (${r.source}): file ${probed.toFixed(2)} s, media ${mediaSeconds.toFixed(2)} s, row ${Number(r.durationMs) / 1000} s, ${r.sizeBytes} B`,
      );
      expect(Math.abs(probed - mediaSeconds)).toBeLessThanOrEqual(2);
      expect(Math.abs(Number(r.durationMs) / 1000 - probed)).toBeLessThanOrEqual(2);
      expect(r.source).toBe("camera");
      expect([s.viewer.id, s.creator.user.id]).toContain(r.identity);
    }
    const started = trace.filter((e) => e.type === "recording.started");
    const finished = trace.filter((e) => e.type === "recording.finished");
    expect(started.map((e) => (e.payload as { egressId: string }).egressId).sort()).toEqual(
      rows.map((r) => r.egressId).sort(),
    );
    expect(finished).toHaveLength(2);

    // livekit-server redelivers an egress_ended (same event id): acknowledged as a duplicate, nothing changes.
    const again = finished[0]!.payload as { egressId: string; webhookId: string };
    const { body, authorization } = await signedLivekitWebhook({
      id: again.webhookId,
      event: "egress_ended",
      egressInfo: { egressId: again.egressId, roomName: `booth-${s.booking.id}`, status: "EGRESS_COMPLETE" },
    });
    const res = await fetch(`${process.env.BOOTH_BASE_URL}/api/livekit/webhook`, {
      method: "POST",
      headers: { authorization, "content-type": "application/webhook+json" },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ result: "duplicate" });
    expect(await db.traceEvent.count({ where: { traceId: s.booking.traceId, type: "recording.finished" } })).toBe(2);
  }, 180_000);
});
