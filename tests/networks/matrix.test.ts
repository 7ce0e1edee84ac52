/**
 * The network matrix: a real paid session, on real networks that break video calls.
 *
 * Topology (built by tests/helpers/network-lab.ts, drawn in its header): the viewer's Chromium runs
 * inside a network namespace (booth-v) behind a router namespace (booth-r); the creator is a
 * @livekit/rtc-node participant on the host. A dedicated livekit-server (media on 10.77.1.1, ICE/UDP :7882,
 * ICE/TCP :7881, its TURN on the same address, UDP :3478 and TLS :443 with a test certificate for
 * turn.booth.test; signaling on 10.77.1.3:443) and a dedicated `next start` of the suite's build
 * (10.77.1.4:443) listen on the
 * host's end of the veth, so the viewer reaches them only through the router. Each row puts its
 * conditions on the router (iptables drops and NAT, iptables statistic loss, an NFQUEUE delayer for delay,
 * tc tbf for rate), the viewer joins through Booth's token endpoint and the room's own connect policy
 * (direct first, one relay retry), and the row asserts the outcome, the viewer's connection rows and the
 * verdict the support page (/admin/sessions/:id) shows. Nothing here is mocked.
 *
 * Each row's network goes on once the room page has loaded (sign-in and the page's scripts come over the
 * clean network; the call itself runs over the row's). The run prints the matrix as a table and writes it
 * to test-results/network-matrix.json. Without root or CAP_NET_ADMIN the rows are skipped with the reason
 * printed, except in CI (CI set), where that fails the run.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { SIGNALING_FAILED_MESSAGE } from "@/lib/sessions/rules/connect-policy";
import type { Service } from "../../scripts/services/proc";
import { DEMO_PASSWORD } from "../../prisma/seed";
import { launchBrowser, signInThroughForm } from "../helpers/browser";
import { TEST_PASSWORD } from "../helpers/factories";
import { HttpClient } from "../helpers/http";
import {
  ADDR,
  appUrl,
  applyNetwork,
  buildLab,
  chromiumInViewerNs,
  cleanupLab,
  ensureDelayer,
  labUnavailable,
  resetNetwork,
  type RowNetwork,
  startLabApp,
  startLabLivekit,
  TURN_DOMAIN,
} from "../helpers/network-lab";
import { RoomParticipant } from "../helpers/room-participant";
import { paidSession } from "../helpers/sessions";
import { step } from "../helpers/steps";

const unavailable = labUnavailable();
if (unavailable) {
  console.log(`network matrix: not run (${unavailable})`);
  if (process.env.CI) throw new Error(`network matrix: cannot run in CI: ${unavailable}`);
}

/** What one row measured, for the printed table and the JSON. */
type Outcome = {
  row: string;
  must: string;
  met: boolean;
  setup: "connected" | "failed" | "not run";
  attempts: number;
  path: string | null;
  relay: boolean | null;
  firstMediaMs: number | null;
  failure: string | null;
  verdict: string;
  notes: string[];
};
const outcomes: Outcome[] = [];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "booth-networks-"));
const services: Service[] = [];
let browser: Browser | undefined;
const admin = new HttpClient();

/** Test-only, before the page's scripts: keeps each RTCPeerConnection the page makes, to read its stats. */
function keepPeerConnections() {
  const pcs: RTCPeerConnection[] = [];
  (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = pcs;
  const Native = window.RTCPeerConnection;
  class Kept extends Native {
    constructor(config?: RTCConfiguration) {
      super(config);
      pcs.push(this);
    }
  }
  window.RTCPeerConnection = Kept as typeof RTCPeerConnection;
}

type RtpStats = {
  outVideo: { rid: string | null; width: number; frames: number; bytes: number; limitation: string }[];
  outAudioPackets: number;
  audioFractionLost: number | null;
  /** The microphone's packets the SFU reported lost (RTCP receiver reports; audio is not retransmitted). */
  outAudioLost: number;
  inVideo: { width: number; frames: number; nacks: number }[];
  /** The selected ICE pair's round trip (its latest STUN check), in ms. */
  pairRttMs: number | null;
};

/** The page's RTP stats, summed over its live peer connections. */
const rtpStats = (page: Page) =>
  page.evaluate(async (): Promise<RtpStats> => {
    const out: RtpStats = {
      outVideo: [],
      outAudioPackets: 0,
      audioFractionLost: null,
      outAudioLost: 0,
      inVideo: [],
      pairRttMs: null,
    };
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === "outbound-rtp" && s.kind === "video")
          out.outVideo.push({
            rid: (s.rid as string) ?? null,
            width: (s.frameWidth as number) ?? 0,
            frames: (s.framesEncoded as number) ?? 0,
            bytes: (s.bytesSent as number) ?? 0,
            limitation: (s.qualityLimitationReason as string) ?? "none",
          });
        if (s.type === "outbound-rtp" && s.kind === "audio") out.outAudioPackets += (s.packetsSent as number) ?? 0;
        if (s.type === "remote-inbound-rtp" && s.kind === "audio") {
          out.audioFractionLost = (s.fractionLost as number) ?? out.audioFractionLost;
          out.outAudioLost += (s.packetsLost as number) ?? 0;
        }
        if (s.type === "inbound-rtp" && s.kind === "video")
          out.inVideo.push({
            width: (s.frameWidth as number) ?? 0,
            frames: (s.framesDecoded as number) ?? 0,
            nacks: (s.nackCount as number) ?? 0,
          });
        if (s.type === "candidate-pair" && s.nominated && typeof s.currentRoundTripTime === "number")
          out.pairRttMs = Math.max(out.pairRttMs ?? 0, Math.round(s.currentRoundTripTime * 1000));
      });
    }
    return out;
  });

/** The camera's sending rate over `ms` (all simulcast layers), and the layers that sent anything in that time. */
async function sentVideo(page: Page, ms = 3000) {
  const a = await rtpStats(page);
  await page.waitForTimeout(ms);
  const b = await rtpStats(page);
  const bytes = (s: RtpStats) => s.outVideo.reduce((n, v) => n + v.bytes, 0);
  const live = b.outVideo.filter((v) => v.bytes > (a.outVideo.find((x) => x.rid === v.rid)?.bytes ?? 0));
  return {
    kbps: Math.round(((bytes(b) - bytes(a)) * 8) / ms),
    layers: b.outVideo.length,
    liveLayers: live.map((v) => `${v.rid ?? "-"}:${v.width}px`),
    audioPackets: b.outAudioPackets - a.outAudioPackets,
  };
}

/** The selected ICE pair of each live peer connection, from the page's own stats (for the table's notes). */
const selectedPairs = (page: Page) =>
  page.evaluate(async () => {
    const out: string[] = [];
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === "closed") continue;
      const r = await pc.getStats();
      r.forEach((t: Record<string, unknown>) => {
        if (t.type !== "transport" || typeof t.selectedCandidatePairId !== "string") return;
        const pair = r.get(t.selectedCandidatePairId) as Record<string, unknown> | undefined;
        const l = r.get(pair?.localCandidateId as string) as Record<string, unknown> | undefined;
        const rm = r.get(pair?.remoteCandidateId as string) as Record<string, unknown> | undefined;
        out.push(
          `${l?.candidateType}/${l?.protocol}${l?.relayProtocol ? ` relay ${l.relayProtocol}` : ""} ${l?.address}:${l?.port}` +
            `${l?.url ? ` (${l.url})` : ""} → ${rm?.candidateType}/${rm?.protocol} ${rm?.address}:${rm?.port}`,
        );
      });
    }
    return out;
  });

/** Records every text the room status shows from now on (the connect policy's steps pass quickly). */
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

/** The remote <video>: size and decoded frames. */
const remoteVideo = (page: Page) =>
  page.getByTestId("remote-video").evaluate((v: HTMLVideoElement) => ({
    width: v.videoWidth,
    frames: v.getVideoPlaybackQuality().totalVideoFrames,
  }));

/** The verdict the support page shows for the viewer, as text. */
async function supportVerdict(bookingId: string) {
  const html = await (await admin.fetch(`/admin/sessions/${bookingId}`)).text();
  const m = /<p[^>]*data-testid="verdict-viewer"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return m
    ? m[1]!
        .replace(/<[^>]+>/g, "")
        .replace(/&#x27;|&#39;/g, "'")
        .replace(/&amp;/g, "&")
        .trim()
    : "";
}

type Row = {
  name: string;
  net: RowNetwork;
  must: string;
  /** Connects (default) or fails at signalling. */
  fails?: boolean;
  /** No media server at all: the lab's livekit-server is stopped before the viewer joins (the last row). */
  livekitDown?: boolean;
  /** The row's own checks once the viewer sees the creator; returns notes for the table. */
  check?: (page: Page, o: Outcome) => Promise<void>;
  firstMediaMaxMs?: number;
  /** Note each attempt's token → signal → path → first video times (from the trace). */
  timeline?: boolean;
};

const rows: Row[] = [
  {
    name: "clean",
    net: { kind: "clean" },
    must: "direct, first media ≤ 2 s",
    firstMediaMaxMs: 2000,
    check: async (page, o) => {
      expect(o.relay).toBe(false);
      expect(o.attempts).toBe(1);
      expect(o.verdict).toMatch(/^Verdict: connected directly \((host|srflx|prflx)\/udp\)/);
      // For comparison with the 500 kbit/s row: what the camera sends on an open network.
      const v = await sentVideo(page);
      o.notes.push(
        `camera sends ${v.kbps} kbit/s on ${v.liveLayers.length}/${v.layers} layers (${v.liveLayers.join(" ")})`,
      );
    },
  },
  {
    name: "UDP blocked",
    net: { kind: "udp_blocked" },
    must: "ICE/TCP or TURN over TCP/TLS, named in the verdict",
    check: async (_page, o) => {
      expect(o.path).toMatch(/^((host|srflx|prflx)\/tcp|relay\/\w+ via TURN\/(TCP|TLS))$/);
      expect(o.verdict).toMatch(/connected directly \((host|srflx|prflx)\/tcp\)|connected through TURN\/(TCP|TLS)/);
    },
  },
  {
    name: "only TCP 443 out",
    net: { kind: "tcp443_only" },
    must: 'TURN/TLS on 443, verdict "relay over TLS"',
    check: async (_page, o) => {
      expect(o.path).toMatch(/^relay\/\w+ via TURN\/TLS$/);
      expect(o.verdict).toContain("connected through TURN/TLS (relay over TLS)");
    },
    /** Where the time to first video went, per attempt, from the browser's own reports (for the table). */
    timeline: true,
  },
  {
    name: "symmetric NAT",
    net: { kind: "symmetric_nat" },
    must: "connects (relay if needed), verdict says which",
    check: async (_page, o) => {
      expect(o.verdict).toMatch(/connected directly \((host|srflx|prflx)\/(udp|tcp)\)|connected through TURN\//);
      o.notes.push(o.relay ? "relayed" : "direct through the NAT (peer-reflexive)");
    },
  },
  {
    name: "5% loss",
    net: { kind: "loss", percent: 5 },
    must: "connects, frames keep advancing",
    check: async (page, o) => {
      const start = await rtpStats(page);
      // Several looks 2 s apart: the picture keeps moving (decoded frames go up every time).
      let before = (await remoteVideo(page)).frames;
      for (let i = 0; i < 4; i++) {
        await page.waitForTimeout(2000);
        const now = (await remoteVideo(page)).frames;
        expect(now, `frames after ${2 * (i + 1)} s`).toBeGreaterThan(before);
        o.notes.push(`+${now - before} frames/2 s`);
        before = now;
      }
      // The loss is real and about what the row set: the SFU's receiver reports count the microphone's
      // packets that never arrived (audio is not retransmitted), and the viewer asked for lost video again.
      const end = await rtpStats(page);
      const sent = end.outAudioPackets - start.outAudioPackets;
      const lost = end.outAudioLost - start.outAudioLost;
      const nacks = (st: RtpStats) => st.inVideo.reduce((n, v) => n + v.nacks, 0);
      o.notes.push(
        `measured uplink loss ${((100 * lost) / Math.max(sent, 1)).toFixed(1)}% (${lost}/${sent} audio packets), ` +
          `${nacks(end) - nacks(start)} NACKs sent for the creator's video`,
      );
      expect(sent, "microphone packets sent in 8 s").toBeGreaterThan(200);
      expect(lost / sent, "measured loss of the microphone's packets").toBeGreaterThan(0.015);
      expect(lost / sent, "measured loss of the microphone's packets").toBeLessThan(0.12);
      expect(nacks(end) - nacks(start), "NACKs for lost video packets").toBeGreaterThan(0);
    },
  },
  {
    name: "300 ms round trip",
    net: { kind: "delay", oneWayMs: 150 },
    must: "connects, first media ≤ 4 s",
    firstMediaMaxMs: 4000,
    check: async (page, o) => {
      // The delay is real: the selected ICE pair's own STUN checks measure about 300 ms there and back.
      let rtt: number | null = null;
      for (let i = 0; i < 10 && rtt === null; i++) {
        rtt = (await rtpStats(page)).pairRttMs;
        if (rtt === null) await page.waitForTimeout(500);
      }
      o.notes.push(`measured round trip ${rtt} ms (ICE pair)`);
      expect(rtt, "the selected pair's measured round trip (ms)").toBeGreaterThanOrEqual(280);
      expect(rtt, "the selected pair's measured round trip (ms)").toBeLessThan(1000);
    },
  },
  {
    name: "500 kbit/s",
    net: { kind: "rate", kbit: 500 },
    must: "connects, video adapts, audio continues",
    check: async (page, o) => {
      // The viewer's own camera goes up through the 500 kbit/s link. Adapting means its encoder settles under
      // the link's rate (lower layers, lower bitrate; the clean row shows what it sends unhindered) instead of
      // flooding it, while the microphone's packets keep going out.
      let v = await sentVideo(page);
      for (let i = 0; i < 4 && !(v.kbps < 500); i++) v = await sentVideo(page);
      o.notes.push(
        `camera sends ${v.kbps} kbit/s on ${v.liveLayers.length}/${v.layers} layers (${v.liveLayers.join(" ")})`,
      );
      expect(v.kbps).toBeLessThan(500);
      // (The clean row's camera sends over 1 Mbit/s; here the encoder settles under the link, still sending.)
      expect(v.liveLayers.length).toBeGreaterThan(0);
      expect(v.audioPackets, "microphone packets sent in 3 s").toBeGreaterThan(50);
      o.notes.push(`audio +${v.audioPackets} packets/3 s`);
      // And the creator's video still plays here.
      const v0 = (await remoteVideo(page)).frames;
      await expect.poll(async () => (await remoteVideo(page)).frames, { timeout: 10_000 }).toBeGreaterThan(v0);
    },
  },
  {
    name: "signaling blocked",
    net: { kind: "signaling_blocked" },
    must: 'fails fast, cause "signaling", no relay retry',
    fails: true,
  },
  {
    name: "LiveKit down",
    net: { kind: "clean" },
    must: "a clear message; verdict: media server unreachable",
    livekitDown: true,
  },
];

let labLivekit: Service | undefined;

describe.skipIf(unavailable)("the network matrix", () => {
  beforeAll(async () => {
    process.env.BOOTH_BASE_URL = appUrl();
    ensureDelayer();
    buildLab();
    labLivekit = await startLabLivekit(dir, process.env);
    services.push(labLivekit);
    services.push(await startLabApp(dir, process.env));
    browser = await launchBrowser({
      executablePath: chromiumInViewerNs(dir),
      // The lab's TURN name resolves to its TURN address; the app and LiveKit are addressed by IP. Nothing
      // else can be reached anyway: the namespaces route only to the host, which forwards nothing.
      hostResolverRules: `MAP ${TURN_DOMAIN} ${ADDR.sfu}`,
      // The TURN/TLS certificate is a throwaway one made for this run; the app is plain HTTP on a lab
      // address, which the camera and microphone need to be told is a secure context (as localhost is).
      extraArgs: ["--ignore-certificate-errors", `--unsafely-treat-insecure-origin-as-secure=${appUrl()}`],
    });
    await admin.signIn("admin@booth.test", DEMO_PASSWORD);
    expect(admin.hasSession()).toBe(true);
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await resetNetwork().catch(() => {});
    for (const s of services.reverse()) await s.stop();
    cleanupLab();
    printMatrix();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  for (const row of rows) {
    it(`${row.name}: ${row.must}`, { timeout: 180_000 }, async () => {
      const o: Outcome = {
        row: row.name,
        must: row.must,
        met: false,
        setup: "failed",
        attempts: 0,
        path: null,
        relay: null,
        firstMediaMs: null,
        failure: null,
        verdict: "",
        notes: [],
      };
      outcomes.push(o);
      await resetNetwork();
      const { booking, viewer, creator } = await paidSession({ startsInMinutes: 2 });
      const creatorHttp = new HttpClient();
      let publisher: RoomParticipant | undefined;
      const ctx = await browser!.newContext({ baseURL: appUrl(), viewport: { width: 1000, height: 800 } });
      ctx.setDefaultTimeout(30_000);
      try {
        if (!row.livekitDown)
          await step("the creator joins from the host and publishes a camera", 20_000, async () => {
            await creatorHttp.signIn(creator.user.email, TEST_PASSWORD);
            const res = await creatorHttp.json(`/api/sessions/${booking.id}/token`, "POST", {});
            expect(res.status).toBe(200);
            const { token, url } = (await res.json()) as { token: string; url: string };
            publisher = await RoomParticipant.join(url, token);
            expect(await publisher.publish()).toEqual({ ok: true });
          });
        await ctx.addInitScript(keepPeerConnections);
        const page = await ctx.newPage();
        await step("the viewer signs in and opens the room (clean network)", 25_000, async () => {
          await signInThroughForm(page, viewer.email, TEST_PASSWORD, /\/dashboard/);
          await page.goto(`/sessions/${booking.id}`);
          await page.getByTestId("join").waitFor();
        });
        await step(`the row's network goes on (${row.net.kind})`, 10_000, () => applyNetwork(row.net));
        if (row.livekitDown) await labLivekit!.stop();
        await recordStatuses(page);
        await page.getByTestId("join").click();

        // The room-session row exists once a token was issued (the creator's, or the viewer's own).
        const viewerRows = async () => {
          const roomSession = await db.roomSession.findUnique({ where: { bookingId: booking.id } });
          if (!roomSession) return [];
          return db.participantConnection.findMany({
            where: { roomSessionId: roomSession.id, identity: viewer.id },
            orderBy: { attempt: "asc" },
          });
        };

        if (row.livekitDown) {
          await step("the room says the video service is not reachable", 20_000, async () => {
            await expect
              .poll(() => page.getByTestId("room-status").textContent(), { timeout: 15_000, interval: 250 })
              .toBe("The video service is not reachable right now; we are retrying…");
          });
          o.failure = "media server unreachable";
          o.attempts = (await viewerRows()).length;
        } else if (row.fails) {
          await step("the room says it cannot reach the video service (signaling)", 25_000, async () => {
            await expect
              .poll(() => page.getByTestId("room-status").textContent(), { timeout: 20_000, interval: 250 })
              .toBe("We could not connect you");
            expect(await page.getByRole("alert").filter({ hasText: "video service" }).textContent()).toBe(
              SIGNALING_FAILED_MESSAGE,
            );
            // No relay retry was started: the room never said it was trying another route.
            expect(await statuses(page)).not.toContain("Trying a more robust route…");
          });
          await step("the failure is recorded: one attempt, signaling, no relay retry", 20_000, async () => {
            await expect
              .poll(async () => (await viewerRows()).map((r) => r.failure), { timeout: 15_000, interval: 500 })
              .toEqual(["signaling"]);
            const [r] = await viewerRows();
            o.attempts = 1;
            o.failure = `signaling after ${r!.failedAfterMs} ms`;
            // The direct window (SESSION_DIRECT_WINDOW_MS, 5 s), not the direct and relay windows together.
            expect(r!.failedAfterMs).toBeLessThanOrEqual(5000 + 1500);
            const tokens = await db.traceEvent.count({
              where: { traceId: booking.traceId, type: "token.issued", actorId: viewer.id },
            });
            expect(tokens).toBe(1);
          });
          o.setup = "failed";
        } else {
          await step("the viewer sees the creator's video playing", 40_000, async () => {
            await page.getByTestId("remote-video").waitFor({ state: "attached", timeout: 40_000 });
            await expect.poll(async () => (await remoteVideo(page)).width, { timeout: 20_000 }).toBeGreaterThan(0);
            const before = (await remoteVideo(page)).frames;
            await expect
              .poll(async () => (await remoteVideo(page)).frames, { timeout: 10_000 })
              .toBeGreaterThan(before);
          });
          await step("the browser's path and first media reach Booth", 15_000, async () => {
            await expect
              .poll(async () => (await viewerRows()).some((r) => r.firstMediaMs !== null && r.localCandidateType), {
                timeout: 12_000,
                interval: 500,
              })
              .toBe(true);
          });
          const all = await viewerRows();
          const r = all.find((x) => x.firstMediaMs !== null)!;
          o.setup = "connected";
          o.attempts = all.length;
          o.relay = r.localCandidateType === "relay";
          o.path =
            r.localCandidateType === "relay"
              ? `relay/${r.protocol} via TURN/${(r.relayProtocol ?? r.protocol ?? "?").toUpperCase()}`
              : `${r.localCandidateType}/${r.protocol}`;
          o.firstMediaMs = r.firstMediaMs;
          o.failure = all.find((x) => x.failure)?.failure ?? null;
          o.notes.push(...(await selectedPairs(page)));
          const st = await rtpStats(page);
          o.notes.push(
            `sent video ${st.outVideo.map((v) => `${v.rid ?? "-"}:${v.width}px/${v.limitation}`).join(" ")}`,
            `received video ${st.inVideo.map((v) => `${v.width}px`).join(" ")}`,
          );
          if (row.firstMediaMaxMs) expect(r.firstMediaMs!).toBeLessThanOrEqual(row.firstMediaMaxMs);
          if (row.timeline) {
            const events = await db.traceEvent.findMany({
              where: { traceId: booking.traceId, actorId: viewer.id, source: "client" },
              orderBy: { occurredAt: "asc" },
              select: { type: true, occurredAt: true, payload: true },
            });
            const t0 = events[0]?.occurredAt.getTime() ?? 0;
            o.notes.push(
              events
                .map(
                  (e) =>
                    `${e.type.replace("client.", "")}#${(e.payload as { attempt?: number }).attempt ?? "?"}@${((e.occurredAt.getTime() - t0) / 1000).toFixed(1)}s`,
                )
                .join(" "),
            );
          }
        }
        await step("the support page's verdict for the viewer", 15_000, async () => {
          await expect.poll(() => supportVerdict(booking.id), { timeout: 10_000 }).toMatch(/^Verdict: /);
          o.verdict = await supportVerdict(booking.id);
          if (row.fails) expect(o.verdict).toMatch(/^Verdict: could not reach the server \(signaling\)/);
          if (row.livekitDown) expect(o.verdict).toMatch(/^Verdict: the media server was unreachable/);
        });
        if (row.check) await step("the row's own checks", 30_000, () => row.check!(page, o));
        o.met = true;
      } finally {
        await ctx.close().catch(() => {});
        await publisher?.leave().catch(() => {});
        await resetNetwork();
      }
    });
  }
});

function printMatrix() {
  const cols = ["row", "must", "met", "setup", "attempts", "path", "relay", "first media", "verdict"] as const;
  const lines = outcomes.map((o) => [
    o.row,
    o.must,
    o.met ? "yes" : "NO",
    o.setup,
    String(o.attempts),
    o.path ?? (o.failure ? `— (${o.failure})` : "—"),
    o.relay === null ? "—" : o.relay ? "yes" : "no",
    o.firstMediaMs === null ? "—" : `${(o.firstMediaMs / 1000).toFixed(2)} s`,
    o.verdict.replace(/^Verdict: /, "") + (o.notes.length ? ` [${o.notes.join("; ")}]` : ""),
  ]);
  const table = [
    `| ${cols.join(" | ")} |`,
    `|${cols.map(() => "---").join("|")}|`,
    ...lines.map((l) => `| ${l.join(" | ")} |`),
  ].join("\n");
  console.log(`\nnetwork matrix (${new Date().toISOString()}):\n${table}\n`);
  fs.mkdirSync("test-results", { recursive: true });
  fs.writeFileSync(
    path.join("test-results", "network-matrix.json"),
    `${JSON.stringify({ at: new Date().toISOString(), rows: outcomes }, null, 2)}\n`,
  );
}
