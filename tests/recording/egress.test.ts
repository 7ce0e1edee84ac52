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

async function waitFor<T>(what: string | (() => string), fn: () => Promise<T | null | undefined | false>, ms = 60_000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
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

/** A paid session whose offering always records: both sides joined and publishing, both cameras recording. */
async function startRecordedCall(policy: "always" | "on_request" = "always") {
  const s = await paidSession({ startsInMinutes: 1, recordingPolicy: policy });
  const tokens: TokenResponse[] = [];
  for (const email of [s.creator.user.email, s.viewer.email]) {
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
  const active = async () =>
    waitFor("both cameras recording", async () => {
      const rows = await db.recording.findMany({ where: { roomSessionId: room.id, status: "active" } });
      return rows.length === 2 ? rows : null;
    });
  return { s, room, creator, viewer, active: policy === "always" ? await active() : [], waitActive: active };
}

/**
 * Both leave; resolves once every recording of the room has ended and the finished ones are in storage. On this
 * busy machine an egress's end sometimes never reaches livekit-server; the app's sweeper reconciles it after
 * 60 s without news (every 30 s), hence the long wait.
 */
async function endCall(call: Awaited<ReturnType<typeof startRecordedCall>>, count: number) {
  await call.creator.leave();
  await call.viewer.leave();
  let last = "";
  return waitFor(
    () => `the recordings stored (last seen: ${last})`,
    async () => {
      const r = await db.recording.findMany({ where: { roomSessionId: call.room.id }, orderBy: { createdAt: "asc" } });
      last = r.map((x) => `${x.egressId} ${x.status}${x.storageKey ? " stored" : ""}`).join(", ");
      return r.length === count &&
        r.every((x) => (x.status === "complete" && x.storageKey) || x.status === "failed" || x.status === "aborted")
        ? r
        : null;
    },
    150_000,
  );
}

async function recordedCall(seconds: number) {
  const call = await startRecordedCall();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const rows = await endCall(call, 2);
  return { s: call.s, room: call.room, rows };
}

/** The Egress handler process recording `egressId` (Egress runs one per recording, in a session of its own). */
function handlerPid(egressId: string) {
  const egress = Number(process.env.EGRESS_PID);
  for (const pid of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid !== egress) continue;
      if (fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(egressId)) return Number(pid);
    } catch {}
  }
  return null;
}

describe("recording a paid session with LiveKit Egress", () => {
  it("records each side's camera into a file ffprobe reads, as long as the media flowed; the trace says so exactly once, redelivered too", async () => {
    const { s, rows } = await recordedCall(12);
    // Both files finished (not failed, not aborted) before anything is read from them.
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.status, r.egressId).toBe("complete");
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
  }, 240_000);

  it("an Egress that dies mid-session is retried once; the verdict is partial and the gap is on the trace", async () => {
    const call = await startRecordedCall();
    await new Promise((r) => setTimeout(r, 4000));
    const victim = call.active.find((r) => r.identity === call.s.creator.user.id)!;
    const pid = await waitFor("the creator's recording handler", async () => handlerPid(victim.egressId), 10_000);
    // The process this test's npm run started (Egress's handler of one recording) dies at once.
    process.kill(pid, "SIGKILL");
    const retry = await waitFor("a second egress for the creator's camera", async () =>
      db.recording.findFirst({ where: { retryOfId: victim.id, status: "active" } }),
    );
    await new Promise((r) => setTimeout(r, 6000));
    const rows = await endCall(call, 3);
    expect(rows.find((r) => r.id === victim.id)).toMatchObject({ status: "failed" });
    expect(rows.find((r) => r.id === retry.id)).toMatchObject({ status: "complete", trackSid: victim.trackSid });

    const trace = await db.traceEvent.findMany({
      where: { traceId: call.s.booking.traceId, type: { startsWith: "recording." } },
      orderBy: { id: "asc" },
    });
    expect(
      trace.filter((e) => e.type === "recording.failed").map((e) => (e.payload as { egressId: string }).egressId),
    ).toEqual([victim.egressId]);
    const retried = trace.filter((e) => e.type === "recording.retried");
    expect(retried).toHaveLength(1);
    const gapMs = (retried[0]!.payload as { gapMs: number }).gapMs;
    expect(retried[0]!.payload).toMatchObject({
      egressId: retry.egressId,
      retryOf: victim.egressId,
      trackSid: victim.trackSid,
    });

    const { judgeRoomRecordings } = await import("@/lib/recordings/completeness");
    const judged = await judgeRoomRecordings(call.room.id);
    expect(judged.verdict).toBe("partial");
    const camera = judged.tracks.find((t) => t.trackSid === victim.trackSid)!;
    console.log(
      `killed ${victim.egressId}: media ${camera.mediaMs} ms, recorded ${camera.recordedMs} ms, gap on the trace ${gapMs} ms, missing ${(camera.missingShare * 100).toFixed(0)}%`,
    );
    expect(camera.verdict).toBe("partial");
    // What is missing is the killed egress's part (its file died with it) and the gap before the retry started.
    expect(gapMs).toBeGreaterThan(0);
    expect(camera.mediaMs - camera.recordedMs).toBeGreaterThanOrEqual(gapMs - 2000);
    expect(camera.recordedMs).toBe(Number(rows.find((r) => r.id === retry.id)!.durationMs));
    // The viewer's camera was not touched: complete.
    expect(judged.tracks.find((t) => t.trackSid !== victim.trackSid)?.verdict).toBe("complete");
  }, 240_000);

  it("on request: nothing is recorded until the creator starts it; stopping ends the files; both are on the trace", async () => {
    const call = await startRecordedCall("on_request");
    const creator = await signedIn(call.s.creator.user.email);
    const viewer = await signedIn(call.s.viewer.email);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await db.recording.count({ where: { roomSessionId: call.room.id } })).toBe(0);
    // Only the creator may start it.
    expect((await viewer.json(`/api/sessions/${call.s.booking.id}/recording`, "POST", { on: true })).status).toBe(404);
    const on = await creator.json(`/api/sessions/${call.s.booking.id}/recording`, "POST", { on: true });
    expect(on.status).toBe(200);
    await call.waitActive();
    await new Promise((r) => setTimeout(r, 4000));
    expect((await creator.json(`/api/sessions/${call.s.booking.id}/recording`, "POST", { on: false })).status).toBe(
      200,
    );
    const stopped = await waitFor("both recordings stopped and stored", async () => {
      const r = await db.recording.findMany({ where: { roomSessionId: call.room.id } });
      return r.length === 2 && r.every((x) => x.status === "complete" && x.storageKey) ? r : null;
    });
    expect(stopped.every((r) => Number(r.durationMs) > 2000)).toBe(true);
    await call.creator.leave();
    await call.viewer.leave();
    const requested = await db.traceEvent.findMany({
      where: { traceId: call.s.booking.traceId, type: "recording.requested" },
      orderBy: { id: "asc" },
    });
    expect(requested.map((e) => (e.payload as { on: boolean }).on)).toEqual([true, false]);
  }, 240_000);
});
