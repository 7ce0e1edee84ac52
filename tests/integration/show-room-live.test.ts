import { afterEach, describe, expect, it } from "vitest";
import type { Actor } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import type { TokenResponse } from "@/lib/sessions/schemas";
import { createUser, TEST_PASSWORD } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import { identitiesIn, participantInfo, REMOVED_BY_SERVER, RoomParticipant } from "../helpers/room-participant";
import { paidSession } from "../helpers/sessions";
import { paidTicket, scheduledShow } from "../helpers/shows";

// A show's room on the suite's real livekit-server. Every participant is a real WebRTC client
// (@livekit/rtc-node, a process of its own) joined with the token Booth's endpoint issued; what the server
// allows is read back from the server itself (RoomServiceClient.listParticipants), not from Booth's rows.

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

async function token(c: HttpClient, path: string) {
  const res = await c.json(path, "POST", { attempt: 1, joinId: `join-${Date.now()}-${ip++}` });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as TokenResponse;
}

/** Joins the show's room as a real participant with the token Booth issued to `c`. */
async function join(c: HttpClient, eventId: string) {
  const t = await token(c, `/api/shows/${eventId}/token`);
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

/** A show whose room is open now, its creator and `viewers` ticket holders, all signed in. */
async function liveShow(viewers: number) {
  const { creator, event } = await scheduledShow({ startsInMinutes: 2, capacity: 5 });
  const people = await Promise.all(Array.from({ length: viewers }, (_, i) => createUser({ name: `Viewer ${i}` })));
  for (const v of people) await paidTicket(v, event.id);
  const [host, ...audience] = await Promise.all([
    signedIn(creator.user.email),
    ...people.map((v) => signedIn(v.email)),
  ]);
  return { creator, event, room: `show-${event.id}`, host: host!, people, audience };
}

describe("a show's room on livekit-server", () => {
  it("the creator publishes and the audience receives; an audience token's publish is refused by the server; a stage invitation lets exactly that viewer publish, and sending them back stops them", async () => {
    const { creator, event, room, host, people, audience } = await liveShow(2);
    const [ann, bob] = people as [(typeof people)[0], (typeof people)[0]];
    const [annHttp, bobHttp] = audience as [HttpClient, HttpClient];
    const c = await join(host, event.id);
    expect(await c.publish()).toEqual({ ok: true });
    const [a, b] = await Promise.all([join(annHttp, event.id), join(bobHttp, event.id)]);
    expect(await a.frameFrom(creator.user.id)).toMatchObject({ width: 320, height: 240 });
    expect(await b.frameFrom(creator.user.id)).toMatchObject({ width: 320, height: 240 });

    // The audience's tokens publish nothing: the server never accepts the track.
    const refused = await Promise.all([a.publish(), b.publish()]);
    expect(refused.map((r) => r.ok)).toEqual([false, false]);
    for (const v of [ann, bob]) {
      const info = await participantInfo(room, v.id);
      expect([info?.permission?.canPublish, info?.tracks.length]).toEqual([false, 0]);
    }

    // Ann raises a hand, the creator invites her, she accepts: Booth changes her permission on the server.
    const raised = await annHttp.json(`/api/shows/${event.id}/stage`, "POST", {});
    expect(raised.status).toBe(201);
    const { requestId } = (await raised.json()) as { requestId: string };
    expect((await host.fetch(`/api/shows/${event.id}/stage/${requestId}/invite`, { method: "POST" })).status).toBe(204);
    expect((await annHttp.fetch(`/api/shows/${event.id}/stage/${requestId}/accept`, { method: "POST" })).status).toBe(
      204,
    );
    await until("Ann's permission to publish on the server", async () => {
      return (await participantInfo(room, ann.id))?.permission?.canPublish === true;
    });
    expect(await a.publish()).toEqual({ ok: true });
    // Both the creator and the other viewer receive her camera; Bob still may not publish.
    expect(await c.frameFrom(ann.id)).toMatchObject({ width: 320, height: 240 });
    expect(await b.frameFrom(ann.id)).toMatchObject({ width: 320, height: 240 });
    expect((await participantInfo(room, ann.id))?.tracks).toHaveLength(1);
    expect((await b.publish()).ok).toBe(false);
    expect((await participantInfo(room, bob.id))?.tracks).toHaveLength(0);

    // The creator sends her back: the server takes the permission and her track away.
    expect((await host.fetch(`/api/shows/${event.id}/stage/${requestId}/end`, { method: "POST" })).status).toBe(204);
    await until("Ann's camera gone from the server", async () => {
      const info = await participantInfo(room, ann.id);
      return info?.permission?.canPublish === false && info.tracks.length === 0;
    });
    expect((await a.publish()).ok).toBe(false);
    expect((await participantInfo(room, ann.id))?.tracks).toHaveLength(0);
    expect((await participantInfo(room, creator.user.id))?.tracks).toHaveLength(1);
  }, 240_000);

  it("a ban removes the viewer from the live room at once, refunds their ticket and gets them no new token", async () => {
    const { event, room, host, people, audience, creator } = await liveShow(2);
    const [banned, stays] = people as [(typeof people)[0], (typeof people)[0]];
    const c = await join(host, event.id);
    const [v, w] = await Promise.all([join(audience[0]!, event.id), join(audience[1]!, event.id)]);
    await until("all three listed by livekit-server", async () => (await identitiesIn(room)).length === 3);

    const res = await host.json(`/api/shows/${event.id}/moderation/ban`, "POST", {
      userId: banned.id,
      reason: "Spam in the chat",
    });
    expect(res.status).toBe(204);
    expect((await v.disconnected()).reason).toBe(REMOVED_BY_SERVER);
    await until("the banned viewer gone from livekit-server's list", async () => {
      const ids = await identitiesIn(room);
      return !ids.includes(banned.id) && ids;
    });
    expect(await identitiesIn(room)).toEqual([creator.user.id, stays.id].sort());
    expect(w.events.some((e) => e.event === "disconnected")).toBe(false);
    expect(c.events.some((e) => e.event === "disconnected")).toBe(false);

    const again = await audience[0]!.json(`/api/shows/${event.id}/token`, "POST", { attempt: 1 });
    expect(again.status).toBe(403);
    const ticket = await db.ticket.findUniqueOrThrow({
      where: { eventId_viewerId: { eventId: event.id, viewerId: banned.id } },
    });
    expect(ticket.status).toBe("cancelled");
    const ban = await db.moderationAction.findFirstOrThrow({
      where: { targetUserId: banned.id, type: "ban_from_creator" },
    });
    expect(ban.reason).toBe("Spam in the chat");
  }, 120_000);

  it("suspending a user removes them at once from every live room they are in: a show's and a private session's (whose join webhook was lost)", async () => {
    const s = await paidSession({ startsInMinutes: 2 });
    const { event, room, host } = await scheduledShowWith(s.viewer);
    const admin = await createUser({ role: "admin" });
    const [viewerHttp, sessionCreatorHttp, adminHttp] = await Promise.all([
      signedIn(s.viewer.email),
      signedIn(s.creator.user.email),
      signedIn(admin.email),
    ]);
    const sessionRoom = `booth-${s.booking.id}`;
    await join(host, event.id);
    const inShow = await join(viewerHttp, event.id);
    const st = await token(sessionCreatorHttp, `/api/sessions/${s.booking.id}/token`);
    joined.push(await RoomParticipant.join(st.url, st.token));
    const vt = await token(viewerHttp, `/api/sessions/${s.booking.id}/token`);
    const inSession = await RoomParticipant.join(vt.url, vt.token);
    joined.push(inSession);
    for (const r of [room, sessionRoom]) {
      await until(`the viewer listed in ${r}`, async () => (await identitiesIn(r)).includes(s.viewer.id));
    }
    // LiveKit's webhooks are best effort: the session room's join webhook is lost (its record undone once it
    // arrived). The server's list, not Booth's record of joins, is what must lose the viewer.
    const sessionJoin = { identity: s.viewer.id, roomSession: { roomName: sessionRoom } };
    await until("the session join recorded", () =>
      db.participantConnection.count({ where: { ...sessionJoin, joinedAt: { not: null } } }),
    );
    await db.participantConnection.updateMany({ where: sessionJoin, data: { joinedAt: null } });

    const res = await adminHttp.json(`/api/admin/users/${s.viewer.id}`, "PATCH", {
      status: "suspended",
      reason: "Chargeback fraud",
    });
    expect(res.status).toBe(200);
    expect((await inShow.disconnected()).reason).toBe(REMOVED_BY_SERVER);
    expect((await inSession.disconnected()).reason).toBe(REMOVED_BY_SERVER);
    for (const r of [room, sessionRoom]) {
      await until(`the viewer gone from ${r}`, async () => !(await identitiesIn(r)).includes(s.viewer.id));
      expect(await identitiesIn(r)).toHaveLength(1); // the other side stays
    }
    // A suspended account gets no new token for either room.
    for (const path of [`/api/shows/${event.id}/token`, `/api/sessions/${s.booking.id}/token`])
      expect([401, 403]).toContain((await viewerHttp.json(path, "POST", { attempt: 1 })).status);
  }, 120_000);

  it("a token issued before a suspension does not keep the user in: they are removed as their join is reported", async () => {
    const { event, room, host, people, audience } = await liveShow(1);
    const viewer = people[0]!;
    const admin = await createUser({ role: "admin" });
    const adminHttp = await signedIn(admin.email);
    await join(host, event.id);
    // The token is issued while the account is in good standing, and used only after the suspension.
    const t = await token(audience[0]!, `/api/shows/${event.id}/token`);
    const res = await adminHttp.json(`/api/admin/users/${viewer.id}`, "PATCH", {
      status: "suspended",
      reason: "Chargeback fraud",
    });
    expect(res.status).toBe(200);
    const late = await RoomParticipant.join(t.url, t.token);
    joined.push(late);
    expect((await late.disconnected()).reason).toBe(REMOVED_BY_SERVER);
    await until("the suspended viewer gone from livekit-server's list", async () => {
      const ids = await identitiesIn(room);
      return ids.length === 1 && !ids.includes(viewer.id);
    });
    // The removal written with the join: its row is marked done just after livekit-server carries it out.
    const joinRemoval = { type: "rooms.remove", dedupeKey: { contains: `${viewer.id}:suspended-join:` } };
    expect(await db.outboxEffect.count({ where: joinRemoval })).toBe(1);
    await until("the join-time removal done", async () => {
      const e = await db.outboxEffect.findFirstOrThrow({ where: joinRemoval });
      return e.status === "done";
    });
  }, 120_000);
});

/** A live show whose ticket holder is `viewer`, and its creator signed in. */
async function scheduledShowWith(viewer: Actor) {
  const { creator, event } = await scheduledShow({ startsInMinutes: 2, capacity: 5 });
  await paidTicket(viewer, event.id);
  return { creator, event, room: `show-${event.id}`, host: await signedIn(creator.user.email) };
}
