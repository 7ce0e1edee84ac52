import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { TEST_PASSWORD, createUser } from "../helpers/factories";
import { launchBrowser, signInThroughForm } from "../helpers/browser";
import { HttpClient, baseUrl } from "../helpers/http";
import { paidSession } from "../helpers/sessions";
import { step } from "../helpers/steps";

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

async function signedInPage(email: string, home: RegExp, init?: () => void) {
  const ctx = await browser.newContext({
    baseURL: baseUrl(),
    viewport: { width: 1100, height: 900 },
    timezoneId: "Europe/Lisbon",
  });
  ctx.setDefaultTimeout(30000);
  if (init) await ctx.addInitScript(init);
  const page = await ctx.newPage();
  await signInThroughForm(page, email, TEST_PASSWORD, home);
  return page;
}

/** The remote <video>: its size, playback position and decoded frames. */
const remoteVideo = (page: Page) =>
  page.getByTestId("remote-video").evaluate((v: HTMLVideoElement) => ({
    width: v.videoWidth,
    height: v.videoHeight,
    time: v.currentTime,
    frames: v.getVideoPlaybackQuality().totalVideoFrames,
  }));

/**
 * Test-only, in the page before its scripts: keeps the WebRTC data channels the page opens (to send a
 * packet as this participant) and the texts of `booth.session` packets it receives (to see a packet
 * arrive). Nothing of the app is reached into: the channels are the browser's own.
 */
function tapDataChannels() {
  const tap = { opened: [] as RTCDataChannel[], received: [] as string[] };
  (window as unknown as { __tap: typeof tap }).__tap = tap;
  const watch = (dc: RTCDataChannel) => {
    const read = (buf: ArrayBuffer) => {
      const text = new TextDecoder().decode(buf);
      if (text.includes("booth.session")) tap.received.push(text);
    };
    dc.addEventListener("message", (e: MessageEvent) => {
      if (e.data instanceof ArrayBuffer) read(e.data);
      else if (e.data instanceof Blob) void e.data.arrayBuffer().then(read);
    });
  };
  const Native = window.RTCPeerConnection;
  const create = Native.prototype.createDataChannel;
  Native.prototype.createDataChannel = function (
    this: RTCPeerConnection,
    ...args: Parameters<RTCPeerConnection["createDataChannel"]>
  ) {
    const dc = create.apply(this, args);
    tap.opened.push(dc);
    watch(dc);
    return dc;
  };
  class Tapped extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      this.addEventListener("datachannel", (e) => watch(e.channel));
    }
  }
  window.RTCPeerConnection = Tapped as typeof RTCPeerConnection;
}

/**
 * A LiveKit DataPacket (protobuf) carrying a user packet on `topic`, as a participant's browser sends
 * it: DataPacket.user (2) = UserPacket { payload (2), topic (4) }.
 */
function dataPacket(topic: string, message: unknown) {
  const enc = new TextEncoder();
  const varint = (n: number) => {
    const out: number[] = [];
    for (; n > 127; n >>>= 7) out.push((n & 127) | 128);
    out.push(n);
    return out;
  };
  const field = (no: number, bytes: ArrayLike<number>) => [
    (no << 3) | 2,
    ...varint(bytes.length),
    ...Array.from(bytes),
  ];
  return field(2, [...field(2, enc.encode(JSON.stringify(message))), ...field(4, enc.encode(topic))]);
}

/** Records every text the page's room status shows from now on (the connect policy's steps pass quickly). */
async function recordStatuses(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { __statuses: string[] }).__statuses = seen;
    const read = () => {
      const text = document.querySelector('[data-testid="room-status"]')?.textContent ?? "";
      if (seen.at(-1) !== text) seen.push(text);
    };
    new MutationObserver(read).observe(document.body, { subtree: true, childList: true, characterData: true });
    read();
  });
}
const statuses = (page: Page) => page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);

async function seesOtherSide(page: Page) {
  await page.getByTestId("remote-video").waitFor({ state: "attached", timeout: 30000 });
  await expect.poll(async () => (await remoteVideo(page)).width, { timeout: 20000 }).toBeGreaterThan(0);
  const before = await remoteVideo(page);
  // Playing, not a frozen first frame: time and decoded frames move on.
  await expect.poll(async () => (await remoteVideo(page)).time, { timeout: 10000 }).toBeGreaterThan(before.time);
  await expect.poll(async () => (await remoteVideo(page)).frames, { timeout: 10000 }).toBeGreaterThan(before.frames);
}

describe("the session room in Chromium", () => {
  // Typically 25-55 s; the budgets leave room for a loaded machine, and a step that hangs fails by name.
  it("the viewer and the creator join a paid session, each sees the other's video, and the browsers' diagnostics reach Booth", {
    timeout: 270_000,
  }, async () => {
    const { booking, viewer, creator } = await paidSession({ startsInMinutes: 2 });
    const [viewerPage, creatorPage] = await step("the viewer and the creator sign in", 20_000, () =>
      Promise.all([
        signedInPage(viewer.email, /\/dashboard/, tapDataChannels),
        signedInPage(creator.user.email, /\/studio/, tapDataChannels),
      ]),
    );

    await step("the viewer opens the room from the booking page and sees the camera preview", 20_000, async () => {
      // The booking page leads to the room.
      await viewerPage.goto(`/bookings/${booking.id}`);
      await viewerPage.getByTestId("join-session").click();
      await viewerPage.waitForURL(new RegExp(`/sessions/${booking.id}$`));
      // The preview runs on the fake camera before joining.
      await expect
        .poll(() => viewerPage.getByTestId("local-video").evaluate((v: HTMLVideoElement) => v.videoWidth), {
          timeout: 15000,
        })
        .toBeGreaterThan(0);
    });
    await step("the creator opens the room", 10_000, async () => {
      await creatorPage.goto(`/sessions/${booking.id}`);
    });

    await step("the viewer joins and is told the other side has not joined yet", 20_000, async () => {
      await recordStatuses(viewerPage);
      await viewerPage.getByTestId("join").click();
      // Alone in the room: the viewer is told the other side has not joined yet.
      await expect
        .poll(() => viewerPage.getByTestId("room-status").textContent(), { timeout: 30000 })
        .toBe("Waiting for the other side…");
    });
    await step("the creator joins and sees the viewer's video", 30_000, async () => {
      await recordStatuses(creatorPage);
      await creatorPage.getByTestId("join").click();
      await seesOtherSide(creatorPage);
      expect(await creatorPage.getByTestId("room-status").textContent()).toBe("Connected with Session Viewer");
      expect(await creatorPage.getByTestId("local-video").count()).toBe(1);
    });
    await step("the viewer sees the creator's video, and the header counts down to the start", 15_000, async () => {
      await seesOtherSide(viewerPage);
      expect(await viewerPage.getByTestId("room-status").textContent()).toBe("Connected with Test Creator");
      // Joined before the session's start (the room opens early): the header counts down to the start, not the end.
      const before = booking.startsAt.getTime() - Date.now();
      const header = (await viewerPage.getByTestId("time-left").textContent()) ?? "";
      if (before > 5000) {
        const m = /^Starts in (\d+):(\d\d)$/.exec(header);
        expect(m, header).not.toBeNull();
        expect(Math.abs(Number(m![1]) * 60_000 + Number(m![2]) * 1000 - before)).toBeLessThan(5000);
      } else if (before < -2000) {
        expect(header).toMatch(/^Time left \d+:\d\d$/);
      }
    });

    // Both browsers reported their path and first frame; the connection rows carry them.
    const roomSession = await db.roomSession.findUniqueOrThrow({ where: { bookingId: booking.id } });
    const people = [viewer.id, creator.user.id];
    await step("both browsers' diagnostics reach Booth", 20_000, async () => {
      await expect
        .poll(
          async () => {
            const rows = await db.participantConnection.findMany({
              where: { roomSessionId: roomSession.id, localCandidateType: { not: null }, firstMediaMs: { not: null } },
              select: { identity: true },
            });
            return [...new Set(rows.map((r) => r.identity))].sort();
          },
          { timeout: 15000, interval: 500 },
        )
        .toEqual([...people].sort());
      for (const [who, page] of [
        [viewer.id, viewerPage],
        [creator.user.id, creatorPage],
      ] as const) {
        const rows = await db.participantConnection.findMany({
          where: { roomSessionId: roomSession.id, identity: who },
          orderBy: { attempt: "asc" },
        });
        const row = rows.find((r) => r.firstMediaMs !== null)!;
        if (row.iceTransportPolicy === "all") {
          // An open network: the direct attempt connects, no relay retry.
          expect([row.attempt, row.failure]).toEqual([1, null]);
          expect(["host", "srflx", "prflx"]).toContain(row.localCandidateType);
          expect(["udp", "tcp"]).toContain(row.protocol);
        } else {
          // A busy machine can make the direct attempt miss its 5 s window; then the retry must be the
          // policy's own, recorded and shown: attempt 1 gave up on ICE after the window, attempt 2 relayed.
          expect(rows[0]).toMatchObject({ attempt: 1, iceTransportPolicy: "all", failure: "ice" });
          expect(rows[0]!.failedAfterMs).toBeGreaterThanOrEqual(4500);
          expect(row).toMatchObject({
            attempt: 2,
            iceTransportPolicy: "relay",
            failure: null,
            localCandidateType: "relay",
          });
          expect(await statuses(page)).toContain("Trying a more robust route…");
        }
        expect(row.firstMediaMs).toBeGreaterThan(0);
        expect(row.firstMediaMs).toBeLessThan(60_000);
      }
      const clientEvents = await db.traceEvent.findMany({
        where: { traceId: booking.traceId, source: "client" },
        select: { type: true, actorId: true, payload: true },
      });
      for (const who of people) {
        const types = clientEvents.filter((e) => e.actorId === who).map((e) => e.type);
        expect(types).toEqual(
          expect.arrayContaining([
            "client.token_received",
            "client.signal_connected",
            "client.ice_selected",
            "client.first_media",
          ]),
        );
      }
    });

    // The other participant cannot speak for the server: the creator's browser sends "closed" and
    // "closing_soon" on the server's topic through its own data channel. The SFU delivers them to the
    // viewer (stamped with the creator's identity), and the viewer's page ignores them.
    const forged = [
      dataPacket("booth.session", {
        type: "closing_soon",
        endsAt: new Date().toISOString(),
        closesAt: new Date(Date.now() + 60_000).toISOString(),
      }),
      dataPacket("booth.session", { type: "closed" }),
    ];
    await step("the viewer's page ignores server messages forged by the creator's browser", 20_000, async () => {
      const sent = await creatorPage.evaluate((packets) => {
        const dc = (window as unknown as { __tap: { opened: RTCDataChannel[] } }).__tap.opened.find(
          (d) => d.label === "_reliable" && d.readyState === "open",
        );
        for (const p of packets) dc?.send(new Uint8Array(p));
        return !!dc;
      }, forged);
      expect(sent).toBe(true);
      const receivedForged = () =>
        viewerPage.evaluate(() => (window as unknown as { __tap: { received: string[] } }).__tap.received);
      await expect
        .poll(async () => (await receivedForged()).filter((t) => t.includes(creator.user.id)).length, {
          timeout: 10000,
        })
        .toBe(2);
      // The page used to hang up 5 s after a "closed": still in the call after that, with no closing banner.
      await viewerPage.waitForTimeout(6000);
      expect(await viewerPage.getByTestId("room-status").textContent()).toBe("Connected with Test Creator");
      expect(await viewerPage.getByTestId("closing-banner").count()).toBe(0);
      expect(await viewerPage.getByTestId("room-ended").count()).toBe(0);
    });

    // The viewer leaves: an end screen with the way back; the creator is alone again.
    await step(
      "the viewer leaves: an end screen; the creator is alone again; the browser reports its own disconnect",
      30_000,
      async () => {
        await viewerPage.getByTestId("leave").click();
        await viewerPage.getByTestId("room-ended").waitFor();
        expect(await viewerPage.getByTestId("room-status").textContent()).toBe("You left the session.");
        expect(await viewerPage.getByRole("link", { name: "Back to the booking" }).getAttribute("href")).toBe(
          `/bookings/${booking.id}`,
        );
        await expect
          .poll(() => creatorPage.getByTestId("room-status").textContent(), { timeout: 15000 })
          .toBe("Waiting for the other side…");
        // The viewer's browser reported leaving as its own disconnect.
        await expect
          .poll(
            async () =>
              (
                await db.traceEvent.findMany({
                  where: { traceId: booking.traceId, type: "client.disconnected", actorId: viewer.id },
                })
              ).map((e) => (e.payload as { reason?: string }).reason),
            { timeout: 15000, interval: 500 },
          )
          .toEqual(["CLIENT_INITIATED"]);
      },
    );

    // The server's end of the session, on a chosen clock: the warning 2 minutes before the end, then the
    // room closed at the end plus grace. The creator, still in the room, sees both.
    const { sweepSessions } = await import("@/lib/sessions/lifecycle");
    const { windowConfig } = await import("@/lib/sessions/service");
    const only = { bookingIds: [booking.id] };
    await step("the creator sees the closing warning, then the room closes", 35_000, async () => {
      await expect
        .poll(async () => (await db.roomSession.findUniqueOrThrow({ where: { id: roomSession.id } })).status, {
          timeout: 15000,
          interval: 500,
        })
        .toBe("active");
      expect(await creatorPage.getByTestId("closing-banner").count()).toBe(0);
      expect((await sweepSessions(new Date(booking.endsAt.getTime() - 2 * 60_000 + 1000), only)).warned).toBe(1);
      await creatorPage.getByTestId("closing-banner").waitFor({ timeout: 15000 });
      expect(await creatorPage.getByTestId("closing-banner").textContent()).toMatch(
        /^The session ends at \d\d:\d\d (WET|WEST|GMT\S*) \(in \d+:\d\d\)\. The room closes at \d\d:\d\d (WET|WEST|GMT\S*), and the call ends by itself then\.$/,
      );
      expect(
        (await sweepSessions(new Date(booking.endsAt.getTime() + windowConfig().graceMinutes * 60_000), only)).closed,
      ).toBe(1);
      await creatorPage.getByTestId("room-ended").waitFor({ timeout: 15000 });
      expect(await creatorPage.getByTestId("room-status").textContent()).toBe("The session has ended. Thank you!");
      expect(await creatorPage.getByRole("button", { name: "Join again" }).count()).toBe(0);
      await expect
        .poll(
          async () =>
            (
              await db.traceEvent.findMany({
                where: { traceId: booking.traceId, type: "client.disconnected", actorId: creator.user.id },
              })
            ).map((e) => (e.payload as { reason?: string }).reason),
          { timeout: 15000, interval: 500 },
        )
        .toEqual(["ROOM_DELETED"]);
      await viewerPage.context().close();
      await creatorPage.context().close();
    });

    // Support finds the whole story: each side's verdict and path, first media, one timeline in order.
    await step(
      "an admin's support page shows each side's verdict and path, and one timeline in order",
      35_000,
      async () => {
        const adminCtx = await browser.newContext({ baseURL: baseUrl(), viewport: { width: 1300, height: 900 } });
        adminCtx.setDefaultTimeout(30000);
        const adminPage = await adminCtx.newPage();
        await signInThroughForm(adminPage, "admin@booth.test", DEMO_PASSWORD, /\/admin$/);
        const entries = async () => {
          await adminPage.goto(`/admin/sessions/${booking.id}`);
          return adminPage.getByTestId("timeline-entry").evaluateAll((els) =>
            els.map((el) => ({
              at: el.querySelector("time")?.getAttribute("datetime") ?? "",
              text: el.textContent ?? "",
            })),
          );
        };
        // LiveKit's webhooks arrive on their own time: wait until both joins are on the timeline.
        await expect
          .poll(async () => (await entries()).filter((e) => / joined \(LiveKit\)/.test(e.text)).length, {
            timeout: 20000,
            interval: 1000,
          })
          .toBeGreaterThanOrEqual(2);
        const timeline = await entries();

        for (const [role, label, who] of [
          ["viewer", "Viewer", viewer.id],
          ["creator", "Creator", creator.user.id],
        ] as const) {
          const rows = await db.participantConnection.findMany({
            where: { roomSessionId: roomSession.id, identity: who },
            orderBy: { attempt: "asc" },
          });
          const row = rows.find((r) => r.firstMediaMs !== null)!;
          const verdict = (await adminPage.getByTestId(`verdict-${role}`).textContent()) ?? "";
          if (row.iceTransportPolicy === "all")
            expect(verdict).toMatch(
              /^Verdict: connected directly \((host|srflx|prflx)\/(udp|tcp)\); first video after \d+\.\d s/,
            );
          else
            expect(verdict).toMatch(
              /^Verdict: connected through TURN\/UDP after the direct attempt failed for \d+\.\d s; first video after \d+\.\d s/,
            );

          // The connected attempt's row: its candidate type and protocol, and its first media in ms.
          const cells = await adminPage
            .getByTestId(`connections-${role}`)
            .getByTestId("connection")
            .evaluateAll((trs) =>
              trs.map((tr) => ({
                path: tr.querySelector('[data-testid="connection-path"]')?.firstChild?.textContent ?? "",
                firstMedia: tr.querySelector('[data-testid="connection-first-media"]')?.textContent ?? "",
              })),
            );
          const path =
            row.localCandidateType === "relay"
              ? `relay/${row.protocol} via TURN/${(row.relayProtocol ?? row.protocol)!.toUpperCase()}`
              : `${row.localCandidateType}/${row.protocol}`;
          expect(cells).toContainEqual({ path, firstMedia: `${row.firstMediaMs} ms` });
          expect(path).toMatch(/^(host|srflx|prflx|relay)\/(udp|tcp)/);

          // paid → token → joined → path → first media → left, for this side.
          const find = (re: RegExp, last = false) => {
            const hits = timeline.map((e, i) => (re.test(e.text) ? i : -1)).filter((i) => i >= 0);
            expect(hits.length, `a timeline entry matching ${re}`).toBeGreaterThan(0);
            return last ? hits.at(-1)! : hits[0]!;
          };
          const steps = [
            find(/Paid €40\.00/),
            find(new RegExp(`Token issued to the ${role} \\(attempt 1, direct first\\)`)),
            find(new RegExp(`${label} joined \\(LiveKit\\)`)),
            find(new RegExp(`${label}'s path: (direct (host|srflx|prflx)/(udp|tcp)|relay TURN/UDP)`)),
            find(new RegExp(`${label}'s first video after \\d+ ms`)),
            find(new RegExp(`(${label} left: |${label}'s browser disconnected: )`), true),
          ];
          for (let i = 1; i < steps.length; i++) {
            const [a, b] = [timeline[steps[i - 1]!]!, timeline[steps[i]!]!];
            if (steps[i]! > steps[i - 1]!) continue;
            // LiveKit's webhook times are whole seconds (createdAt), or the receive time within that second,
            // so its "joined" can sort up to a second before the token of that same second, and, the browser's
            // events being on Booth's clock, up to a second after the browser's path of that same second (the
            // webhook arrives a little after the join). Anything else out of order is wrong.
            const at = (e: { at: string }) => Date.parse(e.at);
            const second = (e: { at: string }) => Math.floor(at(e) / 1000) * 1000;
            const livekit = /\(LiveKit\)|left: /;
            if (livekit.test(a.text) && !livekit.test(b.text)) {
              expect(second(b), `"${b.text}" after "${a.text}"`).toBe(second(a));
              continue;
            }
            expect(b.text, `"${b.text}" after "${a.text}"`).toMatch(livekit);
            expect(at(b) % 1000, `"${b.text}" after "${a.text}"`).toBe(0);
            expect(second(a), `"${b.text}" after "${a.text}"`).toBe(at(b));
          }
        }
        await adminPage.context().close();
      },
    );
  });

  it("when the direct path is blocked, the room says it is trying a more robust route and connects through TURN", {
    timeout: 180_000,
  }, async () => {
    const { booking, viewer, creator } = await paidSession({ startsInMinutes: 2 });
    const creatorPage = await step("the creator signs in", 20_000, () => signedInPage(creator.user.email, /\/studio/));
    // The viewer's network lets no direct media through (as a strict firewall that only lets TURN out
    // would): a connection that may use direct routes gets no usable candidate at all (relay-only with no
    // TURN server), while the relay-only retry keeps the server's TURN and reaches the SFU through it.
    const viewerPage = await step("the viewer signs in", 20_000, () =>
      signedInPage(viewer.email, /\/dashboard/, () => {
        const Native = window.RTCPeerConnection;
        const blocked = (c?: RTCConfiguration): RTCConfiguration =>
          c?.iceTransportPolicy === "relay" ? c : { ...c, iceServers: [], iceTransportPolicy: "relay" };
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
      }),
    );
    await step("the creator joins, the viewer opens the room", 20_000, async () => {
      await creatorPage.goto(`/sessions/${booking.id}`);
      await creatorPage.getByTestId("join").click();
      await viewerPage.goto(`/sessions/${booking.id}`);
    });
    await step("the viewer is told it tries a more robust route, then sees the creator's video", 60_000, async () => {
      // Every status the room shows, in order, recorded in the page: the call appears as soon as the relay
      // connects, so the retry's words may be on screen for less than one poll of the test.
      await viewerPage.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { roomStatuses: string[] }).roomStatuses = seen;
        new MutationObserver(() => {
          const text = document.querySelector("[data-testid=room-status]")?.textContent;
          if (text && seen.at(-1) !== text) seen.push(text);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await viewerPage.getByTestId("join").click();
      await expect
        .poll(() => viewerPage.evaluate(() => (window as unknown as { roomStatuses: string[] }).roomStatuses), {
          timeout: 15000,
        })
        .toContain("Trying a more robust route…");
      await seesOtherSide(viewerPage);
    });
    await step("the creator sees the viewer's video", 20_000, () => seesOtherSide(creatorPage));

    const roomSession = await db.roomSession.findUniqueOrThrow({ where: { bookingId: booking.id } });
    await step("the viewer's attempts are recorded: direct failed on ICE, relay connected", 20_000, async () => {
      await expect
        .poll(
          async () =>
            db.participantConnection.findMany({
              where: { roomSessionId: roomSession.id, identity: viewer.id },
              orderBy: { attempt: "asc" },
              select: {
                attempt: true,
                iceTransportPolicy: true,
                failure: true,
                failedAfterMs: true,
                localCandidateType: true,
                relayProtocol: true,
                firstMediaMs: true,
              },
            }),
          { timeout: 15000, interval: 500 },
        )
        .toMatchObject([
          { attempt: 1, iceTransportPolicy: "all", failure: "ice", localCandidateType: null, firstMediaMs: null },
          {
            attempt: 2,
            iceTransportPolicy: "relay",
            failure: null,
            localCandidateType: "relay",
            relayProtocol: "udp",
            firstMediaMs: expect.any(Number),
          },
        ]);
      const [failedRow] = await db.participantConnection.findMany({
        where: { roomSessionId: roomSession.id, identity: viewer.id, attempt: 1 },
      });
      // The 5 s window, not an error earlier; the bound above leaves room for a busy machine.
      expect(failedRow!.failedAfterMs).toBeGreaterThanOrEqual(4500);
      expect(failedRow!.failedAfterMs).toBeLessThan(20000);
      const failures = await db.traceEvent.findMany({
        where: { traceId: booking.traceId, type: "client.attempt_failed", actorId: viewer.id },
      });
      expect(failures.map((e) => e.payload as { attempt: number; stage: string })).toMatchObject([
        { attempt: 1, stage: "ice" },
      ]);
      await viewerPage.context().close();
      await creatorPage.context().close();
    });
  });

  it("the call shows while the tracks are still being published; Leave then hangs that room up; the next Join is the only one in the room", {
    timeout: 150_000,
  }, async () => {
    const { booking, viewer } = await paidSession({ startsInMinutes: 2 });
    // Publishing renegotiates the connected peer connection: hold each such offer 4 s (the first offer,
    // on a new connection, goes at once), so the camera and microphone are still being published while the
    // call already shows (it mounts as soon as the room is joined, not after publishing).
    const page = await step("the viewer signs in", 20_000, () =>
      signedInPage(viewer.email, /\/dashboard/, () => {
        const createOffer = RTCPeerConnection.prototype.createOffer;
        RTCPeerConnection.prototype.createOffer = function (this: RTCPeerConnection, ...args: unknown[]) {
          const go = () => (createOffer as (...a: unknown[]) => Promise<RTCSessionDescriptionInit>).apply(this, args);
          return this.connectionState === "connected" ? new Promise((r) => setTimeout(r, 4000)).then(go) : go();
        } as typeof createOffer;
      }),
    );
    const { roomService } = await import("@/lib/sessions/livekit");
    const inRoom = async () => {
      const rs = await db.roomSession.findUnique({ where: { bookingId: booking.id } });
      if (!rs) return [];
      return (
        await roomService()
          .listParticipants(rs.roomName)
          .catch(() => [])
      ).map((p) => p.identity);
    };
    await step("the viewer opens the room", 15_000, () => page.goto(`/sessions/${booking.id}`));
    await step("Leave while publishing hangs the room up; Join again returns to the device check", 45_000, async () => {
      await page.getByTestId("join").click();
      // Joined on the server, and the call is on screen while the tracks are still being published.
      await expect.poll(inRoom, { timeout: 20000, interval: 250 }).toEqual([viewer.id]);
      await page.getByTestId("call").waitFor();
      await page.getByTestId("leave").click();
      await page.getByTestId("room-ended").waitFor();
      expect(await page.getByTestId("room-status").textContent()).toBe("You left the session.");
      // That room is hung up, and the page stays on its end screen (past the held publish).
      await expect.poll(inRoom, { timeout: 10000, interval: 250 }).toEqual([]);
      await page.waitForTimeout(5000);
      expect(await page.getByTestId("room-status").textContent()).toBe("You left the session.");
      await page.getByRole("button", { name: "Join again" }).click();
      await page.getByTestId("join").waitFor();
      expect(await page.getByTestId("room-status").textContent()).toBe("Ready to join");
      await expect
        .poll(() => page.getByTestId("local-video").evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15000 })
        .toBeGreaterThan(0);
    });

    await step("Join again: one connection in the room, and it stays", 40_000, async () => {
      // One connection in the room, and it stays (no duplicate identity to kick it out).
      await page.getByTestId("join").click();
      await expect
        .poll(() => page.getByTestId("room-status").textContent(), { timeout: 30000 })
        .toBe("Waiting for the other side…");
      expect(await inRoom()).toEqual([viewer.id]);
      await page.waitForTimeout(2000);
      expect(await page.getByTestId("room-status").textContent()).toBe("Waiting for the other side…");
      expect(await page.getByTestId("room-ended").count()).toBe(0);
    });
    // The connection left while publishing reported its end as the browser's own.
    await step("the connection left while publishing reports its end as the browser's own", 20_000, async () => {
      await expect
        .poll(
          async () =>
            (
              await db.traceEvent.findMany({
                where: { traceId: booking.traceId, type: "client.disconnected", actorId: viewer.id },
              })
            ).map((e) => (e.payload as { reason?: string; seq?: number }).reason),
          { timeout: 15000, interval: 500 },
        )
        .toEqual(["CLIENT_INITIATED"]);
      await page.context().close();
    });
  });

  it("a refused camera permission gets this browser's instructions and is recorded as a device_error", async () => {
    const { booking, viewer } = await paidSession({ startsInMinutes: 2 });
    // Headless Chromium cannot show (let alone refuse) the permission prompt, and the suite's browser
    // grants devices by flag; rejecting getUserMedia with NotAllowedError is what a refused prompt does.
    const page = await step("the viewer signs in", 20_000, () =>
      signedInPage(viewer.email, /\/dashboard/, () => {
        navigator.mediaDevices.getUserMedia = () =>
          Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
      }),
    );
    await step("the room shows Chromium's instructions for a refused camera", 20_000, async () => {
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
    await step("the refusal is recorded as a device_error for camera and microphone", 20_000, async () => {
      await expect
        .poll(
          async () => {
            const events = await db.traceEvent.findMany({
              where: { traceId: booking.traceId, source: "client", type: "client.device_error", actorId: viewer.id },
            });
            return events
              .map((e) => {
                const p = e.payload as { device: string; error: string; name: string };
                return `${p.device}:${p.error}:${p.name}`;
              })
              .sort();
          },
          { timeout: 15000, interval: 500 },
        )
        .toEqual(["camera:denied:NotAllowedError", "microphone:denied:NotAllowedError"]);
      await page.context().close();
    });
  });

  it("shows the room only to the session's two sides", async () => {
    const { booking } = await paidSession({ startsInMinutes: 2 });
    const stranger = await createUser();
    const client = new HttpClient();
    await step("a signed-in stranger asks for the room and gets 404", 15_000, async () => {
      await client.signIn(stranger.email, TEST_PASSWORD);
      expect(client.hasSession()).toBe(true);
      expect((await client.fetch(`/sessions/${booking.id}`)).status).toBe(404);
    });
  });

  it("when the video service is unreachable, the room says so in words, retries by itself, and joins once it answers", {
    timeout: 120_000,
  }, async () => {
    const { booking, viewer } = await paidSession({ startsInMinutes: 2 });
    const page = await step("the viewer signs in", 20_000, () => signedInPage(viewer.email, /\/dashboard/));
    // livekit-server is shared by the whole suite and cannot be stopped for one test: the token endpoint's
    // answer when it is down (its real 503, proven against a dead port in tests/integration/livekit-unreachable)
    // is given here for the first two requests; the third reaches the real endpoint.
    let refused = 0;
    await page.route("**/api/sessions/*/token", async (route) => {
      if (refused >= 2) return route.continue();
      refused++;
      await route.fulfill({
        status: 503,
        contentType: "application/json",
        body: JSON.stringify({
          error: "The video service is not reachable right now; we are retrying…",
          code: "unavailable",
          details: { reason: "livekit_unreachable", retryAfterSeconds: 3 },
        }),
      });
    });
    await step("the viewer opens the room and presses Join", 20_000, async () => {
      await page.goto(`/sessions/${booking.id}`);
      await page.getByTestId("join").click();
    });
    await step("the page says the video service is not reachable and that it is retrying", 10_000, async () => {
      await expect
        .poll(() => page.getByTestId("room-status").textContent(), { timeout: 8000, interval: 100 })
        .toBe("The video service is not reachable right now; we are retrying…");
    });
    await step("it retries by itself and joins once the service answers", 40_000, async () => {
      await expect
        .poll(() => page.getByTestId("room-status").textContent(), { timeout: 35_000 })
        .toBe("Waiting for the other side…");
      expect(refused).toBe(2);
      await page.context().close();
    });
  });

  it("says when the room opens instead of offering to join too early", async () => {
    const { booking, viewer } = await paidSession({ startsInMinutes: 120 });
    const page = await step("the viewer signs in", 20_000, () => signedInPage(viewer.email, /\/dashboard/));
    await step("the room says when it opens, in the browser's zone, and offers no Join", 20_000, async () => {
      await page.goto(`/sessions/${booking.id}`);
      expect(await page.getByTestId("room-unavailable").getAttribute("data-state")).toBe("not_open_yet");
      // In the browser's zone (Europe/Lisbon), named.
      await expect
        .poll(() => page.getByTestId("room-opens-at").textContent())
        .toMatch(/The room opens at .*(WET|WEST|GMT).*\(in 1\d\d minutes\)/);
      expect(await page.getByTestId("join").count()).toBe(0);
      await page.context().close();
    });
  });
});
