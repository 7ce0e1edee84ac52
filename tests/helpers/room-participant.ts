/**
 * A real WebRTC participant (@livekit/rtc-node) in its own process (tests/helpers/room-participant-child.ts),
 * joined with a token Booth issued, and livekit-server's own view of a room (RoomServiceClient), for tests
 * that check what the server lets a participant do and who it says is in a room.
 */
import { type ChildProcess, spawn } from "node:child_process";
import readline from "node:readline";
import { RoomServiceClient } from "livekit-server-sdk";
import { livekitUrl } from "./livekit";

export type ParticipantEvent =
  | { event: "connected"; identity: string }
  | { event: "connect_failed"; error: string }
  | { event: "frame"; from: string; width: number; height: number }
  | { event: "published"; ok: boolean; error?: string }
  | { event: "local_unpublished"; sid: string }
  | { event: "participants"; identities: string[] }
  | { event: "disconnected"; reason: string };

/** livekit's DisconnectReason.PARTICIPANT_REMOVED, as the child prints it. */
export const REMOVED_BY_SERVER = "4";

export function roomAdmin() {
  return new RoomServiceClient(
    livekitUrl().replace(/^ws/, "http"),
    process.env.LIVEKIT_API_KEY!,
    process.env.LIVEKIT_API_SECRET!,
  );
}

/** Identities livekit-server lists in `room` (none when the room is gone). */
export async function identitiesIn(room: string) {
  try {
    return (await roomAdmin().listParticipants(room)).map((p) => p.identity).sort();
  } catch (err) {
    if (/not.?found|does not exist|404/i.test(String(err))) return [];
    throw err;
  }
}

/** livekit-server's record of one participant (its permission and published tracks), or null. */
export async function participantInfo(room: string, identity: string) {
  return (await roomAdmin().listParticipants(room)).find((p) => p.identity === identity) ?? null;
}

export class RoomParticipant {
  readonly events: ParticipantEvent[] = [];
  private waiters = new Set<() => void>();
  private constructor(private child: ChildProcess) {
    readline.createInterface({ input: child.stdout! }).on("line", (line) => {
      if (!line.startsWith('{"event"')) return; // rtc-node's own log lines share stdout
      this.events.push(JSON.parse(line) as ParticipantEvent);
      for (const w of this.waiters) w();
    });
    child.on("exit", () => {
      for (const w of this.waiters) w();
    });
  }

  /** Connects with `token` (from Booth) at `url`; resolves once connected, rejects if the server refuses. */
  static async join(url: string, token: string) {
    const child = spawn(process.execPath, ["--import", "tsx", "tests/helpers/room-participant-child.ts"], {
      env: { ...process.env, PARTICIPANT_URL: url, PARTICIPANT_TOKEN: token },
      stdio: ["pipe", "pipe", "inherit"],
    });
    const p = new RoomParticipant(child);
    const first = await p.next((e) => e.event === "connected" || e.event === "connect_failed", 30_000);
    if (first.event === "connect_failed") {
      p.kill();
      throw new Error(`could not connect: ${first.error}`);
    }
    return p;
  }

  /** The first event matching `match` at or after index `from` (default: any seen so far). */
  next<E extends ParticipantEvent>(match: (e: ParticipantEvent) => e is E, ms?: number, from?: number): Promise<E>;
  next(match: (e: ParticipantEvent) => boolean, ms?: number, from?: number): Promise<ParticipantEvent>;
  next(match: (e: ParticipantEvent) => boolean, ms = 30_000, from = 0) {
    return new Promise<ParticipantEvent>((resolve, reject) => {
      const check = () => {
        const hit = this.events.slice(from).find(match);
        if (hit) return done(() => resolve(hit));
        if (this.child.exitCode !== null) done(() => reject(new Error("the participant's process ended")));
      };
      const timer = setTimeout(
        () => done(() => reject(new Error(`no matching participant event within ${ms} ms`))),
        ms,
      );
      const done = (f: () => void) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        f();
      };
      this.waiters.add(check);
      check();
    });
  }

  /** A frame of `identity`'s video, decoded by this participant. */
  frameFrom(identity: string, ms = 30_000) {
    return this.next((e) => e.event === "frame" && e.from === identity, ms);
  }

  /** Tries to publish a synthetic camera; resolves with the outcome (a refusal is a result, not an error). */
  async publish() {
    const from = this.events.length;
    this.child.stdin!.write('{"cmd":"publish"}\n');
    const e = (await this.next((x) => x.event === "published", 30_000, from)) as { ok: boolean; error?: string };
    return e.ok ? { ok: true } : { ok: false, error: e.error };
  }

  /** The identities of the other participants the server has shown this one. */
  async remoteIdentities() {
    const from = this.events.length;
    this.child.stdin!.write('{"cmd":"participants"}\n');
    const e = (await this.next((x) => x.event === "participants", 10_000, from)) as { identities: string[] };
    return e.identities;
  }

  disconnected(ms = 30_000) {
    return this.next((e) => e.event === "disconnected", ms) as Promise<{ event: "disconnected"; reason: string }>;
  }

  /** Leaves the room and ends the process (killed if it does not end by itself). */
  async leave() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once("exit", r));
    this.child.stdin!.write('{"cmd":"leave"}\n');
    const timer = setTimeout(() => this.kill(), 10_000);
    await exited;
    clearTimeout(timer);
  }

  kill() {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
