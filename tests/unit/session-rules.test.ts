import { describe, expect, it } from "vitest";
import { decideToken, sessionWindow, type TokenAsk } from "@/lib/sessions/rules/token-policy";
import { reconcileOutcome, sessionOutcome, type PresenceEvent } from "@/lib/sessions/rules/settle";

const config = { joinEarlyMinutes: 10, graceMinutes: 10, warningMinutes: 2 };
const startsAt = new Date("2026-03-29T12:00:00Z");
const endsAt = new Date("2026-03-29T12:30:00Z");
const ask = (over: Partial<TokenAsk> & { status?: TokenAsk["booking"]["status"] } = {}): TokenAsk => ({
  userId: "viewer-1",
  userStatus: "active",
  booking: { viewerId: "viewer-1", creatorUserId: "creator-1", status: over.status ?? "confirmed", startsAt, endsAt },
  now: new Date("2026-03-29T12:05:00Z"),
  timeZone: "Europe/Lisbon",
  ...over,
});
const at = (iso: string) => new Date(iso);

describe("the join window", () => {
  it("opens 10 minutes before the start, warns 2 minutes before the end, closes 10 minutes after it", () => {
    expect(sessionWindow({ startsAt, endsAt }, config)).toEqual({
      opensAt: at("2026-03-29T11:50:00Z"),
      closesAt: at("2026-03-29T12:40:00Z"),
      warningAt: at("2026-03-29T12:28:00Z"),
    });
  });
});

describe("who gets a token", () => {
  it("the viewer and the creator, inside the window, on its edges", () => {
    expect(decideToken(ask(), config)).toMatchObject({ ok: true, role: "viewer" });
    expect(decideToken(ask({ userId: "creator-1" }), config)).toMatchObject({ ok: true, role: "creator" });
    expect(decideToken(ask({ now: at("2026-03-29T11:50:00Z") }), config)).toMatchObject({ ok: true });
    expect(decideToken(ask({ now: at("2026-03-29T12:39:59Z") }), config)).toMatchObject({ ok: true });
  });

  it("nobody else, and every refusal says why", () => {
    expect(decideToken(ask({ userId: "someone" }), config)).toMatchObject({ ok: false, reason: "not_participant" });
    expect(decideToken(ask({ userStatus: "suspended" }), config)).toMatchObject({
      ok: false,
      reason: "suspended",
      message: expect.stringMatching(/suspended/),
    });
    expect(decideToken(ask({ status: "pending_payment" }), config)).toMatchObject({
      ok: false,
      reason: "not_paid",
      message: expect.stringMatching(/not paid yet/),
    });
    expect(decideToken(ask({ status: "cancelled" }), config)).toMatchObject({
      ok: false,
      reason: "not_paid",
      message: expect.stringMatching(/cancelled/),
    });
    expect(decideToken(ask({ status: "expired" }), config)).toMatchObject({ ok: false, reason: "not_paid" });
    expect(decideToken(ask({ now: at("2026-03-29T12:40:00Z") }), config)).toMatchObject({ ok: false, reason: "ended" });
    expect(decideToken(ask({ status: "completed" }), config)).toMatchObject({ ok: false, reason: "ended" });
  });

  it("before the window, says when it opens on the asker's own clock", () => {
    // 11:50 UTC is 12:50 in Lisbon (summer time from that morning) and 20:50 in Tokyo.
    expect(decideToken(ask({ now: at("2026-03-29T11:49:59Z") }), config)).toMatchObject({
      ok: false,
      reason: "not_open_yet",
      message: expect.stringContaining("opens at 12:50 in your time zone (Europe/Lisbon)"),
    });
    expect(decideToken(ask({ now: at("2026-03-29T09:00:00Z"), timeZone: "Asia/Tokyo" }), config)).toMatchObject({
      message: expect.stringContaining("opens at 20:50 in your time zone (Asia/Tokyo)"),
    });
    // On another day, the date is given too.
    expect(decideToken(ask({ now: at("2026-03-27T09:00:00Z") }), config)).toMatchObject({
      message: expect.stringMatching(/opens at Sun, 29 Mar 2026, 12:50/),
    });
  });
});

describe("how a session ended", () => {
  const closesAt = at("2026-03-29T12:40:00Z");
  const ev = (
    type: PresenceEvent["type"],
    role: PresenceEvent["role"],
    iso: string,
    extra: Partial<PresenceEvent> = {},
  ): PresenceEvent => ({ type, role, at: at(iso), participantSid: `PA_${role}`, ...extra });

  it("completed when the creator's camera or microphone was on while the viewer was there", () => {
    expect(
      sessionOutcome(
        [
          ev("participant.joined", "viewer", "2026-03-29T12:00:00Z"),
          ev("participant.joined", "creator", "2026-03-29T12:01:00Z"),
          ev("track.published", "creator", "2026-03-29T12:01:05Z", { trackSid: "TR_1", source: "microphone" }),
        ],
        closesAt,
      ).outcome,
    ).toBe("completed");
  });

  it("a creator no-show when the creator's media never overlapped the viewer's presence, whatever the order of events", () => {
    const events = [
      ev("participant.left", "viewer", "2026-03-29T12:20:00Z"),
      ev("track.published", "creator", "2026-03-29T12:25:00Z", { trackSid: "TR_1", source: "camera" }),
      ev("participant.joined", "viewer", "2026-03-29T12:00:00Z"),
      ev("participant.joined", "creator", "2026-03-29T12:24:00Z"),
      // Screen sharing is not the creator showing up.
      ev("track.published", "creator", "2026-03-29T12:05:00Z", { trackSid: "TR_2", source: "screen_share" }),
    ];
    expect(sessionOutcome(events, closesAt)).toMatchObject({
      outcome: "creator_no_show",
      explanation: expect.stringMatching(/never published camera or microphone/),
    });
    // A camera that was unpublished (or whose owner left) before the viewer came does not count either.
    expect(
      sessionOutcome(
        [
          ev("track.published", "creator", "2026-03-29T11:55:00Z", { trackSid: "TR_3", source: "camera" }),
          ev("participant.left", "creator", "2026-03-29T11:58:00Z"),
          ev("participant.joined", "viewer", "2026-03-29T12:00:00Z"),
        ],
        closesAt,
      ).outcome,
    ).toBe("creator_no_show");
    expect(sessionOutcome([ev("participant.joined", "viewer", "2026-03-29T12:00:00Z")], closesAt).explanation).toMatch(
      /never joined/,
    );
  });

  it("a viewer no-show (the creator keeps the payment), or nobody at all", () => {
    expect(sessionOutcome([ev("participant.joined", "creator", "2026-03-29T12:00:00Z")], closesAt).outcome).toBe(
      "viewer_no_show",
    );
    expect(sessionOutcome([], closesAt).outcome).toBe("nobody_joined");
  });
});

describe("checking LiveKit's record against the browsers", () => {
  it("never refunds when the viewer's browser saw video, and never keeps the money silently when it connected", () => {
    const noShow = { outcome: "creator_no_show" as const, explanation: "x" };
    expect(reconcileOutcome(noShow, { viewerConnected: true, viewerSawVideo: true }).outcome).toBe("unclear");
    expect(reconcileOutcome(noShow, { viewerConnected: true, viewerSawVideo: false })).toBe(noShow);
    expect(
      reconcileOutcome(
        { outcome: "viewer_no_show", explanation: "x" },
        { viewerConnected: true, viewerSawVideo: false },
      ).outcome,
    ).toBe("unclear");
    expect(
      reconcileOutcome(
        { outcome: "nobody_joined", explanation: "x" },
        { viewerConnected: false, viewerSawVideo: false },
      ).outcome,
    ).toBe("nobody_joined");
    expect(
      reconcileOutcome({ outcome: "completed", explanation: "x" }, { viewerConnected: true, viewerSawVideo: true })
        .outcome,
    ).toBe("completed");
  });
});
