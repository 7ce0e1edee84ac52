import { getActorOrThrow } from "@/lib/auth/queries";
import net from "node:net";
import { RoomServiceClient } from "livekit-server-sdk";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { issueSessionToken, LIVEKIT_UNREACHABLE } from "@/lib/sessions/service";
import { getSessionStory } from "@/lib/support/queries";
import { createUser } from "../helpers/factories";
import { paidSession } from "../helpers/sessions";

// This file's process talks to a livekit-server that is not there: a port nothing listens on (a real
// refused connection, no mock). The app under test and the other files keep the real one.
const closedPort = await new Promise<number>((resolve) => {
  const srv = net.createServer().listen(0, "127.0.0.1", () => {
    const { port } = srv.address() as net.AddressInfo;
    srv.close(() => resolve(port));
  });
});
const g = globalThis as unknown as { boothRoomService?: RoomServiceClient };
g.boothRoomService = new RoomServiceClient(
  `http://127.0.0.1:${closedPort}`,
  process.env.LIVEKIT_API_KEY,
  process.env.LIVEKIT_API_SECRET,
  {
    requestTimeout: 5,
  },
);
afterAll(() => {
  delete g.boothRoomService;
});

describe("livekit-server unreachable when a token is asked for", () => {
  it("answers 503 with words the room page shows, records livekit.unreachable, and support's verdict says so", async () => {
    const s = await paidSession({ startsInMinutes: 2 });
    const viewer = await getActorOrThrow(s.viewer.id);
    const err = await issueSessionToken(viewer, s.booking.id, { attempt: 1, joinId: "join-unreach-1" }).then(
      () => null,
      (e: unknown) => e as { status: number; message: string; details?: Record<string, unknown> },
    );
    expect(err?.status).toBe(503);
    expect(err?.message).toBe(LIVEKIT_UNREACHABLE);
    expect(err?.details).toEqual({ reason: "livekit_unreachable", retryAfterSeconds: 3 });
    const trace = await db.traceEvent.findMany({ where: { traceId: s.booking.traceId }, orderBy: { id: "asc" } });
    expect(trace.map((e) => e.type)).toContain("livekit.unreachable");
    expect(trace.find((e) => e.type === "livekit.unreachable")?.payload).toMatchObject({
      role: "viewer",
      stage: "room",
      attempt: 1,
    });
    expect(trace.map((e) => e.type)).not.toContain("token.issued"); // no token for a room that could not open

    const admin = await createUser({ role: "admin" });
    const story = await getSessionStory(admin, s.booking.id);
    const verdict = story.story.participants.find((p) => p.role === "viewer")!.verdict;
    expect(verdict).toBe("the media server was unreachable (once); never joined");
    expect(story.story.timeline.map((l) => l.text)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^The media server did not answer when the viewer asked to join/)]),
    );
  });
});
