import { DisconnectReason } from "livekit-client";
import { describe, expect, it } from "vitest";
import { readServerMessage } from "@/components/room/server-message";
import { clockLine, formatLeft } from "@/components/room/time-left";
import { endedFor } from "@/components/room/call-runtime";
import { SERVER_TOPIC } from "@/lib/sessions/schemas";
import { splitByRoomKind } from "@/lib/support/metrics";

const bytes = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

describe("the room's end screen", () => {
  const base = { closed: false, closesAt: new Date(2_000_000).toISOString(), now: 1_000_000 };
  it("shows the server's reason when a moderator removed the participant, with no way back in", () => {
    expect(
      endedFor(DisconnectReason.PARTICIPANT_REMOVED, { ...base, noun: "show", removedFor: "Keep the chat friendly." }),
    ).toEqual({ reason: "PARTICIPANT_REMOVED", text: "Keep the chat friendly.", canRejoin: false });
    expect(endedFor(DisconnectReason.PARTICIPANT_REMOVED, { ...base, noun: "session" }).text).toBe(
      "You were removed from the session.",
    );
  });
  it("words the room by its kind, and offers a rejoin only while the room is open", () => {
    expect(endedFor(DisconnectReason.ROOM_DELETED, { ...base, noun: "show" }).text).toBe(
      "The show has ended. Thank you!",
    );
    expect(endedFor(DisconnectReason.CLIENT_INITIATED, { ...base, noun: "show" }).canRejoin).toBe(true);
    const late = { ...base, closesAt: new Date(999_999).toISOString() };
    expect(endedFor(DisconnectReason.CLIENT_INITIATED, { ...late, noun: "show" }).canRejoin).toBe(false);
  });
});

describe("server messages in a show's room", () => {
  it("reads the tip, chat, stage and removal messages the server sends", () => {
    const tip = { type: "tip", tipId: "t1", from: "Bob", amountCents: 500, currency: "EUR", message: "Great!" };
    expect(readServerMessage(bytes(tip), { topic: SERVER_TOPIC })).toEqual(tip);
    const chat = { type: "chat", id: "m1", userId: "u1", name: "Ann", body: "hi", at: new Date().toISOString() };
    expect(readServerMessage(bytes(chat), { topic: SERVER_TOPIC })).toEqual(chat);
    expect(readServerMessage(bytes({ type: "stage", version: 3 }), { topic: SERVER_TOPIC })).toEqual({
      type: "stage",
      version: 3,
    });
  });
  it("ignores a tip or a removal sent by a participant, and messages of another shape", () => {
    const tip = { type: "tip", tipId: "t1", from: "Bob", amountCents: 50000, currency: "EUR", message: null };
    expect(readServerMessage(bytes(tip), { topic: SERVER_TOPIC, participantIdentity: "u2" })).toBeNull();
    expect(readServerMessage(bytes({ type: "removed", userId: "u1" }), { topic: SERVER_TOPIC })).toBeNull();
    expect(readServerMessage(bytes({ ...tip, amountCents: 1.5 }), { topic: SERVER_TOPIC })).toBeNull();
  });
});

describe("the clock line", () => {
  const t = { starts: 10_000, ends: 70_000, closes: 130_000 };
  it("counts to the start, then to the end, then the extra time to the close", () => {
    expect(clockLine(0, t)).toEqual({ label: "Starts in ", ms: 10_000, inGrace: false });
    expect(clockLine(20_000, t)).toEqual({ label: "Time left ", ms: 50_000, inGrace: false });
    expect(clockLine(80_000, t)).toEqual({ label: "Extra time: the room closes in ", ms: 50_000, inGrace: true });
    expect([formatLeft(-5), formatLeft(65_000), formatLeft(3_725_000)]).toEqual(["0:00", "1:05", "1:02:05"]);
  });
});

describe("metrics by room kind", () => {
  const ev = (traceId: string, type: string, payload: Record<string, unknown>, id: number) => ({
    id,
    traceId,
    type,
    actorId: null,
    payload,
    occurredAt: new Date(1_000 + id),
  });
  it("puts a show's traces (the show's and each ticket's) apart from private sessions, copying the creator's camera into each ticket", () => {
    const events = [
      ev("booking-trace", "token.issued", { roomName: "booth-b1", role: "viewer" }, 1),
      ev("show-trace", "token.issued", { roomName: "show-e1", role: "creator" }, 2),
      ev("ticket-a", "token.issued", { roomName: "show-e1", role: "viewer" }, 3),
      ev("ticket-b", "token.issued", { roomName: "show-e1", role: "viewer" }, 4),
      ev("show-trace", "track.published", { role: "creator", source: "camera" }, 5),
    ];
    const split = splitByRoomKind(events);
    expect(split.private.map((e) => e.traceId)).toEqual(["booking-trace"]);
    expect(split.group.filter((e) => e.type === "track.published").map((e) => e.traceId)).toEqual([
      "show-trace",
      "ticket-a",
      "ticket-b",
    ]);
  });
});
