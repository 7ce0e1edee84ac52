/**
 * The room page's diagnostics reporter: queues events, sends them in batches to
 * POST /api/sessions/:id/diagnostics every ~2 s and when the page is hidden or left. Reporting must
 * never disturb the call, so it never throws and drops what it cannot deliver after a few tries.
 * Browser-only in use, but free of framework imports (the transport is injectable for tests).
 */
import { MAX_DIAGNOSTIC_EVENTS, MAX_DIAGNOSTICS_BODY } from "@/lib/sessions/room-constants";
import type { DiagnosticEvent } from "@/lib/trace/client-events";

/** An event as the page reports it; `at` is stamped on report, on the reporter's clock (`now`). */
export type ReportedEvent = WithoutAt<DiagnosticEvent>;
type WithoutAt<E> = E extends unknown ? Omit<E, "at"> : never;

export type SendResult = "ok" | "retry" | "drop";
export type Transport = (body: string, opts: { keepalive: boolean }) => Promise<SendResult>;

/** Leaves room under the 16 KB limit for the envelope and multi-byte characters. */
const BODY_BUDGET = MAX_DIAGNOSTICS_BODY - 1024;
/** The queue keeps the newest events when the network is down for long. */
const MAX_QUEUE = 500;
const MAX_TRIES = 5;
/** Browsers refuse keepalive requests beyond 64 KiB of bodies in flight per page; stay under it. */
const KEEPALIVE_BUDGET = 60_000;

export function randomId() {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** fetch with keepalive (sendBeacon cannot send application/json); 202 delivered, 409/429/5xx/network retried, other 4xx dropped. */
export function fetchTransport(url: string): Transport {
  return async (body, { keepalive }) => {
    try {
      const res = await fetch(url, {
        method: "POST",
        body,
        keepalive,
        credentials: "same-origin",
        headers: { "content-type": "application/json" },
      });
      if (res.ok) return "ok";
      // 409: the server lost a race (a deadlock PostgreSQL broke) and wrote nothing; the same batch id is safe to resend.
      return res.status === 409 || res.status === 429 || res.status >= 500 ? "retry" : "drop";
    } catch {
      return "retry";
    }
  };
}

/**
 * Events cut into one request. A batch belongs to the flush that took it until it is answered: nobody
 * else clears it. A failed one goes back to `retrying` with its id, so a retry of a batch whose answer
 * was lost is stored once.
 */
type Batch = {
  batchId: string;
  events: DiagnosticEvent[];
  order: number;
  tries: number;
  sends: number;
  plainSends: number;
  done: boolean;
};

export class DiagnosticsReporter {
  private queue: DiagnosticEvent[] = [];
  /** Batches that failed and wait for their retry, oldest first. */
  private retrying: Batch[] = [];
  /** Batches with a request out and no answer yet. */
  private readonly inFlight = new Set<Batch>();
  /** Bytes of keepalive requests still out (the browser's keepalive quota). */
  private keepaliveBytes = 0;
  private flushing = false;
  private cut = 0;
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly onHide = () => void this.flush({ keepalive: true });
  private readonly onVisibility = () => {
    if (document.visibilityState === "hidden") void this.flush({ keepalive: true });
  };

  /**
   * `now` is the clock events and batches are stamped with (epoch ms): the room passes the app's clock as
   * this page knows it (the server-clock offset), so `at` and `sentAt` are already server times and the
   * server has nothing to shift. Date.now by default.
   */
  constructor(
    private readonly send: Transport,
    private readonly intervalMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  private stamp() {
    return new Date(this.now()).toISOString();
  }

  report(event: ReportedEvent) {
    this.queue.push({ ...event, at: this.stamp() } as DiagnosticEvent);
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

  /** Events not delivered yet: queued, waiting for a retry, or in a request still out. */
  get queued() {
    let n = this.queue.length;
    for (const b of this.retrying) n += b.events.length;
    for (const b of this.inFlight) if (!this.retrying.includes(b)) n += b.events.length;
    return n;
  }

  /** Cuts the next batch off the queue: at most 50 events and under the body limit. */
  private cutBatch(): Batch | null {
    if (this.queue.length === 0) return null;
    const events: DiagnosticEvent[] = [];
    // The envelope: {"batchId":"…","sentAt":"…","events":[…]}.
    let size = 120;
    while (this.queue.length && events.length < MAX_DIAGNOSTIC_EVENTS) {
      const bytes = new TextEncoder().encode(JSON.stringify(this.queue[0])).length + 1;
      if (events.length > 0 && size + bytes > BODY_BUDGET) break;
      size += bytes;
      events.push(this.queue.shift()!);
    }
    return { batchId: randomId(), events, order: this.cut++, tries: 0, sends: 0, plainSends: 0, done: false };
  }

  /** A failed batch waits for its retry in the order it was cut. */
  private requeue(batch: Batch) {
    if (this.retrying.includes(batch)) return;
    const i = this.retrying.findIndex((b) => b.order > batch.order);
    if (i < 0) this.retrying.push(batch);
    else this.retrying.splice(i, 0, batch);
  }

  /** Starts one request for `batch` (synchronously, so a page being left still gets it out). */
  private dispatch(batch: Batch, keepalive: boolean): Promise<boolean> {
    // sentAt is the reporter's clock now (the server's clock, as synced), for the record: the server never
    // shifts events by how late a batch arrives (a slow server or an offline browser is not a wrong clock).
    const body = JSON.stringify({ batchId: batch.batchId, sentAt: this.stamp(), events: batch.events });
    const bytes = keepalive ? new TextEncoder().encode(body).length : 0;
    batch.sends++;
    if (!keepalive) batch.plainSends++;
    this.keepaliveBytes += bytes;
    this.inFlight.add(batch);
    let sent: Promise<SendResult>;
    try {
      sent = this.send(body, { keepalive });
    } catch {
      sent = Promise.resolve("retry");
    }
    return sent
      .catch((): SendResult => "retry")
      .then((result) => {
        this.keepaliveBytes -= bytes;
        if (!keepalive) batch.plainSends--;
        return this.settle(batch, result);
      });
  }

  /** One answer for `batch`; true when the batch went back to wait for a retry. */
  private settle(batch: Batch, result: SendResult): boolean {
    batch.sends--;
    if (batch.sends === 0) this.inFlight.delete(batch);
    if (batch.done) return false;
    if (result === "ok" || result === "drop") {
      batch.done = true;
      this.inFlight.delete(batch);
      return false;
    }
    batch.tries++;
    if (batch.tries >= MAX_TRIES) {
      batch.done = true;
      this.inFlight.delete(batch);
      return false;
    }
    // Another request for the same batch is still out: its answer decides.
    if (batch.sends > 0) return false;
    this.requeue(batch);
    return true;
  }

  /**
   * Sends what is waiting. The timer's flush sends one batch at a time and stops at the first one to
   * retry later (one such flush at a time). A keepalive flush (the page is hidden or left, or the call
   * ended) sends everything at once, within the browser's keepalive quota, since the page may be gone
   * before any answer: batches waiting for a retry, new ones, and those whose plain request is still
   * out (the browser cancels those with the page; the server stores a batch id once).
   */
  async flush(opts: { keepalive?: boolean } = {}) {
    if (opts.keepalive) {
      await this.flushKeepalive();
      return;
    }
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (;;) {
        const batch = this.retrying.shift() ?? this.cutBatch();
        if (!batch) break;
        if (await this.dispatch(batch, false)) break;
      }
    } finally {
      this.flushing = false;
    }
  }

  private async flushKeepalive() {
    const sends: Promise<boolean>[] = [];
    let budget = KEEPALIVE_BUDGET - this.keepaliveBytes;
    const fits = (b: Batch) => {
      const bytes = new TextEncoder().encode(
        JSON.stringify({ batchId: b.batchId, sentAt: this.stamp(), events: b.events }),
      ).length;
      if (bytes > budget) return false;
      budget -= bytes;
      return true;
    };
    for (const b of [...this.inFlight]) {
      if (!b.done && b.plainSends > 0 && fits(b)) sends.push(this.dispatch(b, true));
    }
    for (const b of this.retrying.splice(0)) {
      if (fits(b)) sends.push(this.dispatch(b, true));
      else this.requeue(b);
    }
    for (let b = this.cutBatch(); b; b = this.cutBatch()) {
      if (fits(b)) sends.push(this.dispatch(b, true));
      else {
        this.requeue(b);
        break;
      }
    }
    await Promise.all(sends);
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
const asCandidateType = (v: unknown) =>
  (CANDIDATE_TYPES as readonly unknown[]).includes(v) ? (v as SelectedPath["localCandidateType"]) : undefined;

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
      if (s.type === "candidate-pair" && (s.selected === true || (s.nominated === true && s.state === "succeeded")))
        pairId ??= s.id as string;
    });
  }
  const pair = pairId ? (report.get(pairId) as Record<string, unknown> | undefined) : undefined;
  if (!pair) return null;
  const local = report.get(pair.localCandidateId as string) as Record<string, unknown> | undefined;
  const remote = report.get(pair.remoteCandidateId as string) as Record<string, unknown> | undefined;
  const statedType = asCandidateType(local?.candidateType);
  if (!local || !statedType) return null;
  const protocol = local.protocol === "tcp" ? "tcp" : "udp";
  const turnProtocol = ["udp", "tcp", "tls"].includes(local.relayProtocol as string)
    ? (local.relayProtocol as "udp" | "tcp" | "tls")
    : null;
  // A candidate learned through a TURN allocation (Chromium reports it "prflx" when the SFU sees the
  // relayed packets from another address than the allocation's) still carries the TURN server's
  // relayProtocol and url: the media is relayed, whatever the type says (the network matrix's TURN/TLS row).
  const localType = turnProtocol ? "relay" : statedType;
  const relayProtocol = localType === "relay" ? turnProtocol : null;
  const url = typeof local.url === "string" ? local.url.slice(0, 200) : undefined;
  return {
    localCandidateType: localType,
    remoteCandidateType: asCandidateType(remote?.candidateType),
    protocol,
    relayProtocol,
    ...(url && localType === "relay" ? { relayUrl: url } : {}),
  };
}
