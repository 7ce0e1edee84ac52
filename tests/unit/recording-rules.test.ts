import { describe, expect, it } from "vitest";
import { judgeRecordings, mediaFromTrace, roomVerdict, TOLERANCE_MS } from "@/lib/recordings/rules/completeness";
import { recordingNotice, retainUntil, shouldRecord } from "@/lib/recordings/rules/policy";

const s = (n: number) => n * 1000;

describe("recording policy", () => {
  it("records only with the creator present, always or once asked for", () => {
    expect(shouldRecord({ policy: "always", requested: false, creatorPresent: true })).toBe(true);
    expect(shouldRecord({ policy: "always", requested: true, creatorPresent: false })).toBe(false);
    expect(shouldRecord({ policy: "on_request", requested: false, creatorPresent: true })).toBe(false);
    expect(shouldRecord({ policy: "on_request", requested: true, creatorPresent: true })).toBe(true);
    expect(shouldRecord({ policy: "never", requested: true, creatorPresent: true })).toBe(false);
  });
  it("tells viewers before they pay, in words that match the policy", () => {
    expect(recordingNotice("always")).toMatch(/^This session is recorded/);
    expect(recordingNotice("on_request")).toMatch(/may be recorded/);
    expect(recordingNotice("never")).toBeNull();
  });
  it("keeps a recording for the offering's period, else the brand's; 0 keeps it", () => {
    const end = new Date("2026-12-01T10:00:00Z");
    expect(retainUntil(end, null, 30)?.toISOString()).toBe("2026-12-31T10:00:00.000Z");
    expect(retainUntil(end, 7, 30)?.toISOString()).toBe("2026-12-08T10:00:00.000Z");
    expect(retainUntil(end, null, 0)).toBeNull();
  });
});

describe("recording completeness", () => {
  const creatorIn = [{ from: 0, to: s(60) }];
  const cam = { trackSid: "TR_cam", identity: "creator", source: "camera", published: [{ from: s(5), to: s(55) }] };
  const judge = (recordings: Parameters<typeof judgeRecordings>[0]["recordings"], expectAll = true) =>
    judgeRecordings({ tracks: [cam], creatorPresent: creatorIn, recordings, expectAll });

  it("complete within the tolerance, partial with the missing share, failed, missing", () => {
    const ok = judge([{ egressId: "EG_1", trackSid: "TR_cam", status: "complete", durationMs: s(50) - TOLERANCE_MS }]);
    expect(ok[0]).toMatchObject({ verdict: "complete", mediaMs: s(50), missingShare: 0 });
    const part = judge([{ egressId: "EG_1", trackSid: "TR_cam", status: "complete", durationMs: s(40) }]);
    expect(part[0]?.verdict).toBe("partial");
    expect(part[0]?.missingShare).toBeCloseTo(0.2, 10);
    const failed = judge([{ egressId: "EG_1", trackSid: "TR_cam", status: "failed", durationMs: s(10) }]);
    expect(failed[0]).toMatchObject({ verdict: "failed", missingShare: 1 });
    expect(judge([])[0]).toMatchObject({ verdict: "missing", missingShare: 1 });
    // On request, a track nobody asked to record is not missing.
    expect(judge([], false)).toEqual([]);
  });

  it("a failed egress left no file: after its retry, what it had covered and the gap are missing", () => {
    const v = judge([
      { egressId: "EG_1", trackSid: "TR_cam", status: "failed", durationMs: s(20) },
      { egressId: "EG_2", trackSid: "TR_cam", status: "complete", durationMs: s(25) },
    ]);
    expect(v[0]).toMatchObject({ verdict: "partial", recordedMs: s(25) });
    expect(v[0]?.missingShare).toBeCloseTo(0.5, 10);
    expect(roomVerdict(v)).toBe("partial");
  });

  it("media time comes from the trace, within the creator's presence, up to the room's end", () => {
    const ev = (type: string, at: number, payload: Record<string, unknown>) => ({ type, at: s(at), payload });
    const { tracks, creatorPresent } = mediaFromTrace(
      [
        ev("track.published", 1, { trackSid: "TR_v", identity: "viewer", source: "camera" }),
        ev("participant.joined", 10, { role: "creator" }),
        ev("track.published", 12, { trackSid: "TR_c", identity: "creator", source: "camera" }),
        ev("track.unpublished", 40, { trackSid: "TR_c" }),
        ev("participant.left", 50, { role: "creator" }),
      ],
      s(70),
    );
    expect(creatorPresent).toEqual([{ from: s(10), to: s(50) }]);
    expect(tracks.find((t) => t.trackSid === "TR_v")?.published).toEqual([{ from: s(1), to: s(70) }]);
    const v = judgeRecordings({ tracks, creatorPresent, recordings: [], expectAll: true });
    expect(v.map((x) => [x.trackSid, x.mediaMs])).toEqual([
      ["TR_v", s(40)],
      ["TR_c", s(28)],
    ]);
  });
});

describe("the notice people see", () => {
  it("is none where the platform cannot record (RECORDING_ENABLED is unset here), whatever the offering's policy", async () => {
    const { platformRecordingNotice, recordingAvailable } = await import("@/lib/recordings/notice");
    expect(recordingAvailable()).toBe(false);
    for (const policy of ["always", "on_request", "never"] as const) expect(platformRecordingNotice(policy)).toBeNull();
  });
});
