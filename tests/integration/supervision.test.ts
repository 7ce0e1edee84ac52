import { afterEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import type { TokenResponse } from "@/lib/sessions/schemas";
import { readTrace } from "@/lib/trace/service";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { participantInfo, RoomParticipant } from "../helpers/room-participant";
import { paidSession } from "../helpers/sessions";
import { paidTicket, scheduledShow } from "../helpers/shows";

// Supervision on the suite's real livekit-server: the admin's grant is used by a real WebRTC client
// (@livekit/rtc-node), and what it may do and who sees it is read back from the server and the other clients.

const joined: RoomParticipant[] = [];
afterEach(async () => {
  await Promise.all(joined.splice(0).map((p) => p.leave()));
});

let ip = 0;
async function signedIn(email: string) {
  const c = new HttpClient();
  await c.signIn(email, TEST_PASSWORD, `198.51.100.${(ip++ % 200) + 20}`);
  if (!c.hasSession()) throw new Error(`sign-in of ${email} failed`);
  return c;
}

async function join(c: HttpClient, path: string) {
  const res = await c.json(path, "POST", { attempt: 1, joinId: `join-${Date.now()}-${ip++}` });
  expect(res.status, await res.clone().text()).toBe(200);
  const t = (await res.json()) as TokenResponse;
  const p = await RoomParticipant.join(t.url, t.token);
  joined.push(p);
  return p;
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const auditOf = (action: string, subjectId: string) =>
  db.auditEvent.findMany({ where: { action, subjectId }, select: { actorId: true, details: true } });

describe("supervision of a live room", () => {
  it("an admin watches a show unseen: subscribe-only and hidden on the server, not shown to the people in it, and every grant, join and leave recorded", async () => {
    const { creator, event } = await scheduledShow({ startsInMinutes: 2, capacity: 5 });
    const viewer = await createUser({ name: "Watched Viewer" });
    await paidTicket(viewer, event.id);
    const [host, audience] = await Promise.all([signedIn(creator.user.email), signedIn(viewer.email)]);
    const c = await join(host, `/api/shows/${event.id}/token`);
    expect(await c.publish()).toEqual({ ok: true });
    const v = await join(audience, `/api/shows/${event.id}/token`);

    // Only admins (with their second factor) get a watch link.
    expect((await audience.json("/api/admin/supervise", "POST", { eventId: event.id })).status).toBe(403);
    const noTwoFactor = await createUser({ role: "admin", twoFactor: false });
    expect(
      (await (await signedIn(noTwoFactor.email)).json("/api/admin/supervise", "POST", { eventId: event.id })).status,
    ).toBe(403);
    const admin = await createUser({ role: "admin", name: "Watching Admin" });
    const adminHttp = await signedIn(admin.email);
    const res = await adminHttp.json("/api/admin/supervise", "POST", { eventId: event.id });
    expect(res.status, await res.clone().text()).toBe(200);
    const grant = (await res.json()) as { token: string; url: string; identity: string; roomName: string };
    expect(grant.identity).toBe(`supervisor:${admin.id}`);
    expect(await auditOf("room.supervision_granted", event.id)).toEqual([
      expect.objectContaining({ actorId: admin.id }),
    ]);
    expect((await readTrace(event.traceId)).some((e) => e.type === "supervision.granted")).toBe(true);

    const s = await RoomParticipant.join(grant.url, grant.token);
    joined.push(s);
    // The admin sees the creator's camera.
    expect(await s.frameFrom(creator.user.id)).toMatchObject({ width: 320, height: 240 });
    // The server holds the grant as hidden, subscribe-only, no data.
    const info = await participantInfo(grant.roomName, grant.identity);
    expect(info?.permission).toMatchObject({
      hidden: true,
      canPublish: false,
      canPublishData: false,
      canSubscribe: true,
    });
    // Publishing is refused by the server.
    expect((await s.publish()).ok).toBe(false);
    expect((await participantInfo(grant.roomName, grant.identity))?.tracks).toHaveLength(0);
    // Nobody in the room is shown the admin; they see each other.
    expect(await c.remoteIdentities()).toEqual([viewer.id]);
    expect(await v.remoteIdentities()).toEqual([creator.user.id]);

    // LiveKit's join and leave reach the audit log and the show's trace.
    await until(
      "the supervisor's join in the audit log",
      async () => (await auditOf("room.supervision_joined", event.id)).length > 0,
    );
    expect(await auditOf("room.supervision_joined", event.id)).toEqual([
      expect.objectContaining({ actorId: admin.id }),
    ]);
    await until("the supervisor's join on the trace", async () =>
      (await readTrace(event.traceId)).some(
        (e) => e.type === "participant.joined" && (e.payload as { identity?: string }).identity === grant.identity,
      ),
    );
    await s.leave();
    await until(
      "the supervisor's leave in the audit log",
      async () => (await auditOf("room.supervision_left", event.id)).length > 0,
    );
    // Booth counts no connection for them: settlement and the creator's list never see a supervisor.
    expect(await db.participantConnection.count({ where: { identity: grant.identity } })).toBe(0);
  }, 180_000);

  it("a private session too; a room that is not open has nothing to watch", async () => {
    const s = await paidSession({ startsInMinutes: 2 });
    const admin = await createUser({ role: "admin" });
    const adminHttp = await signedIn(admin.email);
    // No room yet (nobody asked to join): nothing to watch.
    expect((await adminHttp.json("/api/admin/supervise", "POST", { bookingId: s.booking.id })).status).toBe(409);
    const viewerHttp = await signedIn(s.viewer.email);
    await join(viewerHttp, `/api/sessions/${s.booking.id}/token`);
    const res = await adminHttp.json("/api/admin/supervise", "POST", { bookingId: s.booking.id });
    expect(res.status).toBe(200);
    expect(await auditOf("room.supervision_granted", s.booking.id)).toHaveLength(1);
    expect((await readTrace(s.booking.traceId)).some((e) => e.type === "supervision.granted")).toBe(true);
    expect((await adminHttp.json("/api/admin/supervise", "POST", { bookingId: "nope", eventId: "x" })).status).toBe(
      422,
    );
  }, 120_000);
});
