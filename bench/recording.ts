/**
 * npm run bench:recording — records SESSIONS (default 10) paid private sessions on a throwaway stack with real
 * LiveKit Egress, one after another: both sides join with Booth's tokens as @livekit/rtc-node participants,
 * publish a synthetic camera (320×240, 15 fps) for SECONDS (default 20), and leave. Prints, per session and in
 * total: each recording's length against the time its media flowed, the completeness verdict (the same rule
 * as /admin/metrics), the file size per minute, and the CPU Egress used per recording (its process group,
 * from /proc, over the time it recorded). Figures, not a test: nothing here passes or fails on time.
 */
import { type BenchStack, startBenchStack } from "./stack";

const SESSIONS = Number(process.env.SESSIONS ?? 10);
const SECONDS = Number(process.env.SECONDS ?? 20);

async function waitFor<T>(what: string | (() => string), fn: () => Promise<T | null | undefined | false>, ms = 90_000) {
  const until = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function oneSession(stack: BenchStack, n: number) {
  const { db } = await import("@/lib/db");
  const { paidSession } = await import("../tests/helpers/sessions");
  const { TEST_PASSWORD } = await import("../tests/helpers/factories");
  const { RoomParticipant } = await import("../tests/helpers/room-participant");
  const { judgeRoomRecordings } = await import("@/lib/recordings/completeness");
  const s = await paidSession({ startsInMinutes: 1, recordingPolicy: "always" });
  const creatorEmail = (await db.user.findUniqueOrThrow({ where: { id: s.creator.user.id } })).email;
  const joined = [];
  for (const email of [creatorEmail, s.viewer.email]) {
    const cookie = await stack.signedIn(email, TEST_PASSWORD);
    const res = await fetch(`${stack.env.APP_URL}/api/sessions/${s.booking.id}/token`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: stack.env.APP_URL! },
      body: JSON.stringify({ attempt: 1, joinId: `bench-${n}-${Date.now()}` }),
    });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
    const t = (await res.json()) as { url: string; token: string };
    const p = await RoomParticipant.join(t.url, t.token);
    joined.push(p);
    const pub = await p.publish();
    if (!pub.ok) throw new Error(`publish: ${pub.error}`);
  }
  const room = await db.roomSession.findUniqueOrThrow({ where: { bookingId: s.booking.id } });
  await waitFor("both tracks recording", async () =>
    (await db.recording.count({ where: { roomSessionId: room.id, status: "active" } })) === 2 ? true : null,
  );
  const cpu0 = stack.cpuSeconds().egress;
  const t0 = Date.now();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const cpu1 = stack.cpuSeconds().egress;
  const recordedWall = (Date.now() - t0) / 1000;
  for (const p of joined) await p.leave();
  let last = "";
  const rows = await waitFor(
    () => `both recordings stored (last seen: ${last})`,
    async () => {
      const r = await db.recording.findMany({ where: { roomSessionId: room.id } });
      const effects = await db.outboxEffect.findMany({
        where: { traceId: s.booking.traceId, status: { not: "done" } },
        select: { type: true, status: true, attempts: true, lastError: true },
      });
      last = `${r.map((x) => `${x.egressId} ${x.status}${x.storageKey ? " stored" : ""}`).join(", ")}; effects not done: ${JSON.stringify(effects)}`;
      return r.length >= 2 && r.every((x) => x.status === "complete" || x.status === "failed") ? r : null;
    },
    150_000,
  );
  const judged = await judgeRoomRecordings(room.id);
  const bytes = rows.reduce((a, r) => a + Number(r.sizeBytes ?? 0), 0);
  const ms = rows.reduce((a, r) => a + Number(r.durationMs ?? 0), 0);
  return {
    verdict: judged.verdict,
    tracks: judged.tracks.map(
      (t) => `${t.source}: ${(t.recordedMs / 1000).toFixed(1)} of ${(t.mediaMs / 1000).toFixed(1)} s`,
    ),
    bytesPerMinute: ms ? bytes / (ms / 60_000) : 0,
    // Two recordings ran at once for recordedWall seconds.
    cpuPerRecording: (cpu1 - cpu0) / recordedWall / rows.length,
  };
}

async function main() {
  const stack = await startBenchStack("recording", {}, { recording: true });
  try {
    const results = [];
    for (let n = 1; n <= SESSIONS; n++) {
      const r = await oneSession(stack, n);
      results.push(r);
      console.log(
        `session ${n}: ${r.verdict} (${r.tracks.join("; ")}), ${(r.bytesPerMinute / 1024).toFixed(0)} KiB/min per track, Egress CPU ${(r.cpuPerRecording * 100).toFixed(1)}% of a core per recording`,
      );
    }
    const complete = results.filter((r) => r.verdict === "complete").length;
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(`\nrecording bench: ${SESSIONS} sessions × ${SECONDS} s, two tracks each (320×240 VP8 at 15 fps)`);
    console.log(`  completeness: ${complete}/${SESSIONS} sessions complete`);
    console.log(
      `  file size: ${(avg(results.map((r) => r.bytesPerMinute)) / 1024).toFixed(0)} KiB per minute per track`,
    );
    console.log(
      `  Egress CPU: ${(avg(results.map((r) => r.cpuPerRecording)) * 100).toFixed(1)}% of a core per recording`,
    );
  } catch (err) {
    stack.printLogs();
    throw err;
  } finally {
    await stack.teardown();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
