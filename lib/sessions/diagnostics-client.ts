/**
 * The room page's diagnostics reporter: queues events, sends them in batches to
 * POST /api/sessions/:id/diagnostics every ~2 s and when the page is hidden or left. Reporting must
 * never disturb the call, so it never throws and drops what it cannot deliver after a few tries.
 * Browser-only in use, but free of framework imports (the transport is injectable for tests).
 */
import { MAX_DIAGNOSTIC_EVENTS, MAX_DIAGNOSTICS_BODY, type DiagnosticEvent } from "./schemas";

/** An event as the page reports it; `at` is stamped on report. */
export type ReportedEvent = WithoutAt<DiagnosticEvent>;
type WithoutAt<E> = E extends unknown ? Omit<E, "at"> : never;

export type SendResult = "ok" | "retry" | "drop";
export type Transport = (body: string, opts: { keepalive: boolean }) => Promise<SendResult>;

/** Leaves room under the 16 KB limit for the envelope and multi-byte characters. */
const BODY_BUDGET = MAX_DIAGNOSTICS_BODY - 1024;
/** The queue keeps the newest events when the network is down for long. */
const MAX_QUEUE = 500;
const MAX_TRIES = 5;

export function randomId() {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** fetch with keepalive (sendBeacon cannot send application/json); 202 delivered, 429/5xx/network retried, other 4xx dropped. */
export function fetchTransport(url: string): Transport {
  return async (body, { keepalive }) => {
    try {
      const res = await fetch(url, { method: "POST", body, keepalive, credentials: "same-origin", headers: { "content-type": "application/json" } });
      if (res.ok) return "ok";
      return res.status === 429 || res.status >= 500 ? "retry" : "drop";
    } catch {
      return "retry";
    }
  };
}

type Batch = { batchId: string; events: DiagnosticEvent[]; tries: number };

export class DiagnosticsReporter {
  private queue: DiagnosticEvent[] = [];
  /** A batch that failed keeps its id, so a retry of a batch whose answer was lost is stored once. */
  private pending: Batch | null = null;
  private sending = false;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly onHide = () => void this.flush({ keepalive: true });
  private readonly onVisibility = () => {
    if (document.visibilityState === "hidden") void this.flush({ keepalive: true });
  };

  constructor(private readonly send: Transport, private readonly intervalMs = 2000, private readonly now = () => new Date()) {}

  report(event: ReportedEvent) {
    this.queue.push({ ...event, at: this.now().toISOString() } as DiagnosticEvent);
    if (this.queue.length > MAX_QUEUE) this.queue.splice(0, this.queue.length - MAX_QUEUE);
  }

  /** Flushes on a timer and when the page is hidden or left (pagehide); idempotent. */
  start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    if (typeof window !== "undefined") {
      window.addEventListener("pagehide", this.onHide);
      document.addEventListener("visibilitychange", this.onVisibility);
    }
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (typeof window !== "undefined") {
      window.removeEventListener("pagehide", this.onHide);
      document.removeEventListener("visibilitychange", this.onVisibility);
    }
  }

  get queued() {
    return this.queue.length + (this.pending?.events.length ?? 0);
  }

  /** The next batch: at most 50 events and under the body limit. */
  private take(): Batch | null {
    if (this.pending) return this.pending;
    if (this.queue.length === 0) return null;
    const events: DiagnosticEvent[] = [];
    let size = 40;
    while (this.queue.length && events.length < MAX_DIAGNOSTIC_EVENTS) {
      const bytes = new TextEncoder().encode(JSON.stringify(this.queue[0])).length + 1;
      if (events.length > 0 && size + bytes > BODY_BUDGET) break;
      size += bytes;
      events.push(this.queue.shift()!);
    }
    this.pending = { batchId: randomId(), events, tries: 0 };
    return this.pending;
  }

  /** Sends everything queued, batch by batch; stops at the first batch to retry later. */
  async flush(opts: { keepalive?: boolean } = {}) {
    if (this.sending && !opts.keepalive) return;
    this.sending = true;
    try {
      for (let batch = this.take(); batch; batch = this.take()) {
        const result = await this.send(JSON.stringify({ batchId: batch.batchId, events: batch.events }), { keepalive: opts.keepalive ?? false });
        batch.tries++;
        if (result === "retry" && batch.tries < MAX_TRIES) break;
        this.pending = null;
      }
    } finally {
      this.sending = false;
    }
  }
}

// ---------------------------------------------------------------- the selected ICE path, from WebRTC stats

export type SelectedPath = {
  localCandidateType: "host" | "srflx" | "prflx" | "relay";
  remoteCandidateType?: "host" | "srflx" | "prflx" | "relay";
  protocol: "udp" | "tcp";
  relayProtocol: "udp" | "tcp" | "tls" | null;
  relayUrl?: string;
};

type StatsLike = { forEach(cb: (value: Record<string, unknown>) => void): void; get(id: string): unknown };
const CANDIDATE_TYPES = ["host", "srflx", "prflx", "relay"] as const;
const asCandidateType = (v: unknown) => (CANDIDATE_TYPES as readonly unknown[]).includes(v) ? (v as SelectedPath["localCandidateType"]) : undefined;

/**
 * The selected candidate pair of a peer connection's stats: transport.selectedCandidatePairId (or, where
 * a browser lacks it, the nominated succeeded pair) → its local and remote candidates. Null until a pair
 * is selected.
 */
export function selectedPathFromStats(report: StatsLike): SelectedPath | null {
  let pairId: string | undefined;
  report.forEach((s) => {
    if (s.type === "transport" && typeof s.selectedCandidatePairId === "string") pairId ??= s.selectedCandidatePairId;
  });
  if (!pairId) {
    report.forEach((s) => {
      if (s.type === "candidate-pair" && (s.selected === true || (s.nominated === true && s.state === "succeeded"))) pairId ??= s.id as string;
    });
  }
  const pair = pairId ? (report.get(pairId) as Record<string, unknown> | undefined) : undefined;
  if (!pair) return null;
  const local = report.get(pair.localCandidateId as string) as Record<string, unknown> | undefined;
  const remote = report.get(pair.remoteCandidateId as string) as Record<string, unknown> | undefined;
  const localType = asCandidateType(local?.candidateType);
  if (!local || !localType) return null;
  const protocol = local.protocol === "tcp" ? "tcp" : "udp";
  const relayProtocol = localType === "relay" && ["udp", "tcp", "tls"].includes(local.relayProtocol as string) ? (local.relayProtocol as "udp" | "tcp" | "tls") : null;
  const url = typeof local.url === "string" ? local.url.slice(0, 200) : undefined;
  return { localCandidateType: localType, remoteCandidateType: asCandidateType(remote?.candidateType), protocol, relayProtocol, ...(url && localType === "relay" ? { relayUrl: url } : {}) };
}
