import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { launchBrowser, screenshotOnFailure, signInThroughForm } from "../helpers/browser";
import { HttpClient, baseUrl } from "../helpers/http";
import { paidSession } from "../helpers/sessions";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedInPage(email: string, home: RegExp, init?: () => void) {
  const ctx = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1100, height: 900 }, timezoneId: "Europe/Lisbon" });
  ctx.setDefaultTimeout(30000);
  if (init) await ctx.addInitScript(init);
  const page = await ctx.newPage();
  await signInThroughForm(page, email, TEST_PASSWORD, home);
  return page;
}

/** The remote <video>: its size, playback position and decoded frames. */
const remoteVideo = (page: Page) =>
  page.getByTestId("remote-video").evaluate((v: HTMLVideoElement) => ({
    width: v.videoWidth, height: v.videoHeight, time: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames,
  }));

async function seesOtherSide(page: Page) {
  await page.getByTestId("remote-video").waitFor({ state: "attached", timeout: 30000 });
  await expect.poll(async () => (await remoteVideo(page)).width, { timeout: 20000 }).toBeGreaterThan(0);
  const before = await remoteVideo(page);
  // Playing, not a frozen first frame: time and decoded frames move on.
  await expect.poll(async () => (await remoteVideo(page)).time, { timeout: 10000 }).toBeGreaterThan(before.time);
  await expect.poll(async () => (await remoteVideo(page)).frames, { timeout: 10000 }).toBeGreaterThan(before.frames);
}

describe("the session room in Chromium", () => {
  it("the viewer and the creator join a paid session, each sees the other's video, and the browsers' diagnostics reach Booth", async () => {
    const { booking, viewer, creator } = await paidSession({ startsInMinutes: 2 });
    const viewerPage = await signedInPage(viewer.email, /\/dashboard/);
    const creatorPage = await signedInPage(creator.user.email, /\/studio/);

    await screenshotOnFailure(viewerPage, "room-viewer", async () => {
      // The booking page leads to the room.
      await viewerPage.goto(`/bookings/${booking.id}`);
      await viewerPage.getByTestId("join-session").click();
      await viewerPage.waitForURL(new RegExp(`/sessions/${booking.id}$`));
      // The preview runs on the fake camera before joining.
      await expect.poll(() => viewerPage.getByTestId("local-video").evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15000 }).toBeGreaterThan(0);
    });
    await creatorPage.goto(`/sessions/${booking.id}`);

    await screenshotOnFailure(viewerPage, "room-viewer-call", async () => {
      await viewerPage.getByTestId("join").click();
      // Alone in the room: the viewer is told the other side has not joined yet.
      await expect.poll(() => viewerPage.getByTestId("room-status").textContent(), { timeout: 30000 }).toBe("Waiting for the other side…");
    });
    await screenshotOnFailure(creatorPage, "room-creator-call", async () => {
      await creatorPage.getByTestId("join").click();
      await seesOtherSide(creatorPage);
      expect(await creatorPage.getByTestId("room-status").textContent()).toBe("Connected with Session Viewer");
      expect(await creatorPage.getByTestId("local-video").count()).toBe(1);
    });
    await screenshotOnFailure(viewerPage, "room-viewer-sees", async () => {
      await seesOtherSide(viewerPage);
      expect(await viewerPage.getByTestId("room-status").textContent()).toBe("Connected with Test Creator");
      expect(await viewerPage.getByTestId("time-left").textContent()).toMatch(/Time left \d+:\d\d/);
    });

    // Both browsers reported their path and first frame; the connection rows carry them.
    const roomSession = await db.roomSession.findUniqueOrThrow({ where: { bookingId: booking.id } });
    const people = [viewer.id, creator.user.id];
    await expect
      .poll(async () => {
        const rows = await db.participantConnection.findMany({
          where: { roomSessionId: roomSession.id, localCandidateType: { not: null }, firstMediaMs: { not: null } },
          select: { identity: true },
        });
        return [...new Set(rows.map((r) => r.identity))].sort();
      }, { timeout: 15000, interval: 500 })
      .toEqual([...people].sort());
    const connected = await db.participantConnection.findMany({ where: { roomSessionId: roomSession.id, firstMediaMs: { not: null } } });
    for (const row of connected) {
      // An open network: the direct attempt connects, no relay retry.
      expect([row.attempt, row.iceTransportPolicy, row.failure]).toEqual([1, "all", null]);
      expect(["host", "srflx", "prflx"]).toContain(row.localCandidateType);
      expect(["udp", "tcp"]).toContain(row.protocol);
      expect(row.firstMediaMs).toBeGreaterThan(0);
      expect(row.firstMediaMs).toBeLessThan(60_000);
    }
    const clientEvents = await db.traceEvent.findMany({ where: { traceId: booking.traceId, source: "client" }, select: { type: true, actorId: true, payload: true } });
    for (const who of people) {
      const types = clientEvents.filter((e) => e.actorId === who).map((e) => e.type);
      expect(types).toEqual(expect.arrayContaining(["client.token_received", "client.signal_connected", "client.ice_selected", "client.first_media"]));
    }

    // The viewer leaves: an end screen with the way back; the creator is alone again.
    await screenshotOnFailure(viewerPage, "room-leave", async () => {
      await viewerPage.getByTestId("leave").click();
      await viewerPage.getByTestId("room-ended").waitFor();
      expect(await viewerPage.getByTestId("room-status").textContent()).toBe("You left the session.");
      expect(await viewerPage.getByRole("link", { name: "Back to the booking" }).getAttribute("href")).toBe(`/bookings/${booking.id}`);
      await expect.poll(() => creatorPage.getByTestId("room-status").textContent(), { timeout: 15000 }).toBe("Waiting for the other side…");
    });
    await expect
      .poll(async () => (await db.traceEvent.findMany({ where: { traceId: booking.traceId, type: "client.disconnected", actorId: viewer.id } })).map((e) => (e.payload as { reason?: string }).reason), { timeout: 15000, interval: 500 })
      .toEqual(["CLIENT_INITIATED"]);

    // The server's end of the session, on a chosen clock: the warning 2 minutes before the end, then the
    // room closed at the end plus grace. The creator, still in the room, sees both.
    const { sweepSessions } = await import("@/lib/sessions/lifecycle");
    const { windowConfig } = await import("@/lib/sessions/service");
    const only = { bookingIds: [booking.id] };
    await expect.poll(async () => (await db.roomSession.findUniqueOrThrow({ where: { id: roomSession.id } })).status, { timeout: 15000, interval: 500 }).toBe("active");
    expect(await creatorPage.getByTestId("closing-banner").count()).toBe(0);
    expect((await sweepSessions(new Date(booking.endsAt.getTime() - 2 * 60_000 + 1000), only)).warned).toBe(1);
    await screenshotOnFailure(creatorPage, "room-closing", async () => {
      await creatorPage.getByTestId("closing-banner").waitFor({ timeout: 15000 });
      expect(await creatorPage.getByTestId("closing-banner").textContent()).toMatch(/^The session ends at \d\d:\d\d (WET|WEST|GMT\S*) \(in \d+:\d\d\)\. The room closes at \d\d:\d\d (WET|WEST|GMT\S*), and the call ends by itself then\.$/);
      expect((await sweepSessions(new Date(booking.endsAt.getTime() + windowConfig().graceMinutes * 60_000), only)).closed).toBe(1);
      await creatorPage.getByTestId("room-ended").waitFor({ timeout: 15000 });
      expect(await creatorPage.getByTestId("room-status").textContent()).toBe("The session has ended. Thank you!");
      expect(await creatorPage.getByRole("button", { name: "Join again" }).count()).toBe(0);
    });
    await expect
      .poll(async () => (await db.traceEvent.findMany({ where: { traceId: booking.traceId, type: "client.disconnected", actorId: creator.user.id } })).map((e) => (e.payload as { reason?: string }).reason), { timeout: 15000, interval: 500 })
      .toEqual(["ROOM_DELETED"]);
    await viewerPage.context().close();
    await creatorPage.context().close();
  });

  it("when the direct path is blocked, the room says it is trying a more robust route and connects through TURN", async () => {
    const { booking, viewer, creator } = await paidSession({ startsInMinutes: 2 });
    const creatorPage = await signedInPage(creator.user.email, /\/studio/);
    // The viewer's network lets no direct media through (as a strict firewall that only lets TURN out
    // would): a connection that may use direct routes gets no usable candidate at all (relay-only with no
    // TURN server), while the relay-only retry keeps the server's TURN and reaches the SFU through it.
    const viewerPage = await signedInPage(viewer.email, /\/dashboard/, () => {
      const Native = window.RTCPeerConnection;
      const blocked = (c?: RTCConfiguration): RTCConfiguration => (c?.iceTransportPolicy === "relay" ? c : { ...c, iceServers: [], iceTransportPolicy: "relay" });
      class Firewalled extends Native {
        private readonly direct: boolean;
        constructor(config?: RTCConfiguration) {
          super(blocked(config));
          this.direct = config?.iceTransportPolicy !== "relay";
        }
        override setConfiguration(c?: RTCConfiguration) {
          return super.setConfiguration(this.direct ? blocked(c) : c);
        }
      }
      window.RTCPeerConnection = Firewalled as typeof RTCPeerConnection;
    });
    await creatorPage.goto(`/sessions/${booking.id}`);
    await creatorPage.getByTestId("join").click();
    await viewerPage.goto(`/sessions/${booking.id}`);
    await screenshotOnFailure(viewerPage, "room-relay", async () => {
      await viewerPage.getByTestId("join").click();
      await expect.poll(() => viewerPage.getByTestId("room-status").textContent(), { timeout: 10000 }).toBe("Trying a more robust route…");
      await seesOtherSide(viewerPage);
    });
    await seesOtherSide(creatorPage);

    const roomSession = await db.roomSession.findUniqueOrThrow({ where: { bookingId: booking.id } });
    await expect
      .poll(async () => db.participantConnection.findMany({
        where: { roomSessionId: roomSession.id, identity: viewer.id },
        orderBy: { attempt: "asc" },
        select: { attempt: true, iceTransportPolicy: true, failure: true, failedAfterMs: true, localCandidateType: true, relayProtocol: true, firstMediaMs: true },
      }), { timeout: 15000, interval: 500 })
      .toMatchObject([
        { attempt: 1, iceTransportPolicy: "all", failure: "ice", localCandidateType: null, firstMediaMs: null },
        { attempt: 2, iceTransportPolicy: "relay", failure: null, localCandidateType: "relay", relayProtocol: "udp", firstMediaMs: expect.any(Number) },
      ]);
    const [failedRow] = await db.participantConnection.findMany({ where: { roomSessionId: roomSession.id, identity: viewer.id, attempt: 1 } });
    expect(failedRow!.failedAfterMs).toBeGreaterThanOrEqual(4900);
    expect(failedRow!.failedAfterMs).toBeLessThan(7000);
    const failures = await db.traceEvent.findMany({ where: { traceId: booking.traceId, type: "client.attempt_failed", actorId: viewer.id } });
    expect(failures.map((e) => (e.payload as { attempt: number; stage: string }))).toMatchObject([{ attempt: 1, stage: "ice" }]);
    await viewerPage.context().close();
    await creatorPage.context().close();
  });

  it("a refused camera permission gets this browser's instructions and is recorded as a device_error", async () => {
    const { booking, viewer } = await paidSession({ startsInMinutes: 2 });
    // Headless Chromium cannot show (let alone refuse) the permission prompt, and the suite's browser
    // grants devices by flag; rejecting getUserMedia with NotAllowedError is what a refused prompt does.
    const page = await signedInPage(viewer.email, /\/dashboard/, () => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    });
    await screenshotOnFailure(page, "room-denied", async () => {
      await page.goto(`/sessions/${booking.id}`);
      const help = page.getByTestId("device-help");
      await help.waitFor();
      expect(await help.getAttribute("data-error")).toBe("denied");
      const text = await help.textContent();
      expect(text).toMatch(/Allow the camera and microphone/);
      // Chromium's words: where the control is in this browser.
      expect(text).toMatch(/camera icon at the right of the address bar/);
      expect(await page.getByRole("button", { name: "Try again" }).isVisible()).toBe(true);
    });
    await expect
      .poll(async () => {
        const events = await db.traceEvent.findMany({ where: { traceId: booking.traceId, source: "client", type: "client.device_error", actorId: viewer.id } });
        return events.map((e) => { const p = e.payload as { device: string; error: string; name: string }; return `${p.device}:${p.error}:${p.name}`; }).sort();
      }, { timeout: 15000, interval: 500 })
      .toEqual(["camera:denied:NotAllowedError", "microphone:denied:NotAllowedError"]);
    await page.context().close();
  });

  it("shows the room only to the session's two sides", async () => {
    const { booking } = await paidSession({ startsInMinutes: 2 });
    const stranger = await createUser();
    const client = new HttpClient();
    await client.signIn(stranger.email, TEST_PASSWORD);
    expect(client.hasSession()).toBe(true);
    expect((await client.fetch(`/sessions/${booking.id}`)).status).toBe(404);
  });

  it("says when the room opens instead of offering to join too early", async () => {
    const { booking, viewer } = await paidSession({ startsInMinutes: 120 });
    const page = await signedInPage(viewer.email, /\/dashboard/);
    await page.goto(`/sessions/${booking.id}`);
    expect(await page.getByTestId("room-unavailable").getAttribute("data-state")).toBe("not_open_yet");
    // In the browser's zone (Europe/Lisbon), named.
    await expect.poll(() => page.getByTestId("room-opens-at").textContent()).toMatch(/The room opens at .*(WET|WEST|GMT).*\(in 1\d\d minutes\)/);
    expect(await page.getByTestId("join").count()).toBe(0);
    await page.context().close();
  });
});
