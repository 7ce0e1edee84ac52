import { describe, expect, it } from "vitest";
import {
  DiagnosticsReporter,
  fetchTransport,
  selectedPathFromStats,
  type SendResult,
} from "@/components/room/diagnostics-reporter";
import { diagnosticsBatch, MAX_DIAGNOSTICS_BODY } from "@/lib/sessions/schemas";

function recorder(results: SendResult[] = []) {
  const bodies: { batchId: string; sentAt: string; events: { type: string; at?: string }[] }[] = [];
  const sizes: number[] = [];
  const send = async (body: string) => {
    bodies.push(JSON.parse(body));
    sizes.push(new TextEncoder().encode(body).length);
    return results.shift() ?? "ok";
  };
  return { bodies, sizes, send };
}

describe("diagnostics reporter", () => {
  it("sends batches of at most 50 events under the 16 KB limit, each one the endpoint's schema accepts", async () => {
    const r = recorder();
    const rep = new DiagnosticsReporter(r.send);
    for (let i = 0; i < 120; i++)
      rep.report({
        type: "attempt_failed",
        stage: "ice",
        afterMs: i,
        message: "x".repeat(250),
        seq: 1,
        attempt: 1,
        joinId: "join-abcdef",
      });
    await rep.flush();
    expect(r.bodies.reduce((n, b) => n + b.events.length, 0)).toBe(120);
    for (const [i, b] of r.bodies.entries()) {
      expect(b.events.length).toBeLessThanOrEqual(50);
      expect(r.sizes[i]).toBeLessThanOrEqual(MAX_DIAGNOSTICS_BODY);
      expect(diagnosticsBatch.safeParse(b).success).toBe(true);
    }
    expect(rep.queued).toBe(0);
  });

  it("retries a failed batch with the same batch id (stored once by the server) and drops a refused one", async () => {
    const r = recorder(["retry", "ok", "drop"]);
    const rep = new DiagnosticsReporter(r.send);
    rep.report({ type: "reconnecting", seq: 1 });
    await rep.flush();
    expect(rep.queued).toBe(1);
    await rep.flush();
    expect(r.bodies[0]!.batchId).toBe(r.bodies[1]!.batchId);
    rep.report({ type: "reconnected", seq: 1 });
    await rep.flush();
    expect(r.bodies[2]!.batchId).not.toBe(r.bodies[0]!.batchId);
    expect(rep.queued).toBe(0);
  });

  it("stamps every request with the reporter's clock at sending (sentAt), a retry with its own time", async () => {
    let clock = Date.parse("2026-11-24T12:00:00.000Z");
    const r = recorder(["retry", "ok"]);
    const rep = new DiagnosticsReporter(r.send, 2000, () => clock);
    rep.report({ type: "reconnecting", seq: 1 });
    clock += 1500;
    await rep.flush();
    clock += 2000;
    await rep.flush();
    expect(r.bodies.map((b) => [b.batchId, b.sentAt])).toEqual([
      [r.bodies[0]!.batchId, "2026-11-24T12:00:01.500Z"],
      [r.bodies[0]!.batchId, "2026-11-24T12:00:03.500Z"],
    ]);
    expect(r.bodies[0]!.events[0]).toMatchObject({ type: "reconnecting", at: "2026-11-24T12:00:00.000Z" });
    expect(diagnosticsBatch.safeParse(r.bodies[1]).success).toBe(true);
  });

  it("stamps events and batches on the clock it is given (the room's server clock), not the browser's", async () => {
    // The browser runs 7 s slow; the room's clock adds the synced offset (server − browser).
    const browserNow = Date.now();
    const offset = 7000;
    const r = recorder();
    const c = controlled();
    const rep = new DiagnosticsReporter(r.send, 2000, () => browserNow + offset);
    rep.report({ type: "reconnecting", seq: 1 });
    await rep.flush();
    const serverIso = new Date(browserNow + offset).toISOString();
    expect(r.bodies[0]!.sentAt).toBe(serverIso);
    expect(r.bodies[0]!.events[0]).toMatchObject({ type: "reconnecting", at: serverIso });
    expect(diagnosticsBatch.safeParse(r.bodies[0]).success).toBe(true);

    // The keepalive path too.
    const leaving = new DiagnosticsReporter(c.send, 2000, () => browserNow + offset);
    leaving.report({ type: "disconnected", reason: "CLIENT_INITIATED", seq: 1 });
    void leaving.flush({ keepalive: true });
    expect(c.calls[0]!.body.sentAt).toBe(serverIso);
    expect(c.calls[0]!.body.events[0]).toMatchObject({ at: serverIso });
    c.calls[0]!.answer("ok");

    // Without a clock: the browser's own (Date.now).
    const plain = recorder();
    const before = Date.now();
    const dflt = new DiagnosticsReporter(plain.send);
    dflt.report({ type: "reconnected", seq: 1 });
    await dflt.flush();
    const at = Date.parse(plain.bodies[0]!.events[0]!.at!);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(Date.now());
  });

  it("a keepalive flush beside the timer's flush sends its own batch and clears nobody else's; a failed one is retried with its id", async () => {
    const c = controlled();
    const rep = new DiagnosticsReporter(c.send);
    rep.report({ type: "reconnecting", seq: 1 });
    const timerFlush = rep.flush();
    expect(c.calls).toHaveLength(1);
    const first = c.calls[0]!;
    expect(first.keepalive).toBe(false);

    // The call ends while the timer's request is out: the disconnect is flushed with keepalive.
    rep.report({ type: "disconnected", reason: "CLIENT_INITIATED", seq: 1 });
    const leaveFlush = rep.flush({ keepalive: true });
    // The timer's batch again (the page may be going: its plain request would be cancelled), and the new one.
    expect(c.calls.slice(1).map((x) => [x.body.batchId, x.keepalive, x.body.events.map((e) => e.type)])).toEqual([
      [first.body.batchId, true, ["reconnecting"]],
      [expect.not.stringMatching(first.body.batchId), true, ["disconnected"]],
    ]);
    const second = c.calls[2]!;
    // A second timer tick while one is running does nothing.
    await rep.flush();
    expect(c.calls).toHaveLength(3);

    // The timer's batch arrives; the disconnect batch gets 503 and must not be lost.
    first.answer("ok");
    c.calls[1]!.answer("ok");
    second.answer("retry");
    await leaveFlush;
    await settle();
    // The retry goes out with the same id (the timer's flush, still running, picked it up, or the next tick does).
    if (c.calls.length === 3) void rep.flush();
    expect(c.calls).toHaveLength(4);
    expect(c.calls[3]!.body.batchId).toBe(second.body.batchId);
    expect(c.calls[3]!.body.events.map((e) => e.type)).toEqual(["disconnected"]);
    expect(rep.queued).toBe(1);
    c.calls[3]!.answer("ok");
    await timerFlush;
    await settle();
    expect(rep.queued).toBe(0);
    await rep.flush();
    expect(c.calls).toHaveLength(4);
  });

  it("a batch whose plain request fails while its keepalive copy is out waits for that copy's answer", async () => {
    const c = controlled();
    const rep = new DiagnosticsReporter(c.send);
    rep.report({ type: "reconnecting", seq: 1 });
    const timerFlush = rep.flush();
    const leaveFlush = rep.flush({ keepalive: true });
    expect(c.calls.map((x) => x.body.batchId)).toEqual([c.calls[0]!.body.batchId, c.calls[0]!.body.batchId]);
    c.calls[0]!.answer("retry");
    await timerFlush;
    expect(rep.queued).toBe(1);
    c.calls[1]!.answer("ok");
    await leaveFlush;
    expect(rep.queued).toBe(0);
    await rep.flush();
    expect(c.calls).toHaveLength(2);
  });

  it("when the page is left, sends every batch at once with keepalive (no answer awaited in between), within the keepalive quota", async () => {
    const c = controlled();
    const rep = new DiagnosticsReporter(c.send);
    for (let i = 0; i < 120; i++)
      rep.report({
        type: "attempt_failed",
        stage: "ice",
        afterMs: i,
        message: "x".repeat(250),
        seq: 1,
        attempt: 1,
        joinId: "join-abcdef",
      });
    void rep.flush({ keepalive: true });
    // Synchronously: the page may be gone before the first answer.
    expect(c.calls.length).toBeGreaterThanOrEqual(3);
    expect(c.calls.every((x) => x.keepalive)).toBe(true);
    expect(c.calls.reduce((n, x) => n + x.size, 0)).toBeLessThanOrEqual(60_000);
    expect(c.calls.reduce((n, x) => n + x.body.events.length, 0)).toBe(120);
    expect(new Set(c.calls.map((x) => x.body.batchId)).size).toBe(c.calls.length);

    // Far more than the quota: what does not fit stays queued for later, nothing is lost.
    const d = controlled();
    const big = new DiagnosticsReporter(d.send);
    for (let i = 0; i < 400; i++)
      big.report({
        type: "attempt_failed",
        stage: "ice",
        afterMs: i,
        message: "x".repeat(250),
        seq: 1,
        attempt: 1,
        joinId: "join-abcdef",
      });
    const leaving = big.flush({ keepalive: true });
    expect(d.calls.reduce((n, x) => n + x.size, 0)).toBeLessThanOrEqual(60_000);
    const sent = d.calls.reduce((n, x) => n + x.body.events.length, 0);
    expect(sent).toBeLessThan(400);
    for (const x of d.calls) x.answer("ok");
    await leaving;
    expect(big.queued).toBe(400 - sent);
  });

  it("gives a batch up after 5 tries", async () => {
    const r = recorder(["retry", "retry", "retry", "retry", "retry", "ok"]);
    const rep = new DiagnosticsReporter(r.send);
    rep.report({ type: "reconnecting", seq: 1 });
    for (let i = 0; i < 6; i++) await rep.flush();
    expect(r.bodies).toHaveLength(5);
    expect(new Set(r.bodies.map((b) => b.batchId)).size).toBe(1);
    expect(rep.queued).toBe(0);
  });
});

const settle = () => new Promise((res) => setTimeout(res, 0));

/** A transport whose answers the test gives, one request at a time. */
function controlled() {
  type Call = {
    body: { batchId: string; sentAt: string; events: { type: string }[] };
    size: number;
    keepalive: boolean;
    answer: (r: SendResult) => void;
  };
  const calls: Call[] = [];
  const send = (body: string, opts: { keepalive: boolean }) =>
    new Promise<SendResult>((answer) => {
      calls.push({
        body: JSON.parse(body),
        size: new TextEncoder().encode(body).length,
        keepalive: opts.keepalive,
        answer,
      });
    });
  return { calls, send };
}

const stats = (entries: Record<string, unknown>[]) => {
  const m = new Map(entries.map((e) => [e.id as string, e]));
  return {
    forEach: (cb: (v: Record<string, unknown>) => void) => {
      for (const v of m.values()) cb(v);
    },
    get: (id: string) => m.get(id),
  };
};

describe("the selected ICE path from WebRTC stats", () => {
  it("follows transport → selected pair → candidates, with the relay's protocol and URL", () => {
    const path = selectedPathFromStats(
      stats([
        { id: "T1", type: "transport", selectedCandidatePairId: "CP2" },
        { id: "CP1", type: "candidate-pair", localCandidateId: "L1", remoteCandidateId: "R1", state: "failed" },
        { id: "CP2", type: "candidate-pair", localCandidateId: "L2", remoteCandidateId: "R1", state: "succeeded" },
        { id: "L1", type: "local-candidate", candidateType: "host", protocol: "udp" },
        {
          id: "L2",
          type: "local-candidate",
          candidateType: "relay",
          protocol: "udp",
          relayProtocol: "udp",
          url: "turn:127.0.0.1:3478?transport=udp",
        },
        { id: "R1", type: "remote-candidate", candidateType: "host", protocol: "udp" },
      ]),
    );
    expect(path).toEqual({
      localCandidateType: "relay",
      remoteCandidateType: "host",
      protocol: "udp",
      relayProtocol: "udp",
      relayUrl: "turn:127.0.0.1:3478?transport=udp",
    });
  });

  it("counts a peer-reflexive candidate learned through a TURN allocation as relayed (it carries the TURN server's protocol)", () => {
    // Chromium over TURN/TLS when the SFU sees the relayed packets from another address than the allocation's.
    const path = selectedPathFromStats(
      stats([
        { id: "T1", type: "transport", selectedCandidatePairId: "CP1" },
        { id: "CP1", type: "candidate-pair", localCandidateId: "L1", remoteCandidateId: "R1", state: "succeeded" },
        {
          id: "L1",
          type: "local-candidate",
          candidateType: "prflx",
          protocol: "udp",
          relayProtocol: "tls",
          url: "turns:turn.booth.test:443?transport=tcp",
        },
        { id: "R1", type: "remote-candidate", candidateType: "host", protocol: "udp" },
      ]),
    );
    expect(path).toEqual({
      localCandidateType: "relay",
      remoteCandidateType: "host",
      protocol: "udp",
      relayProtocol: "tls",
      relayUrl: "turns:turn.booth.test:443?transport=tcp",
    });
  });

  it("falls back to the nominated succeeded pair, and is null before any pair is selected", () => {
    expect(
      selectedPathFromStats(
        stats([
          {
            id: "CP1",
            type: "candidate-pair",
            localCandidateId: "L1",
            remoteCandidateId: "R1",
            state: "succeeded",
            nominated: true,
          },
          { id: "L1", type: "local-candidate", candidateType: "srflx", protocol: "tcp" },
          { id: "R1", type: "remote-candidate", candidateType: "host" },
        ]),
      ),
    ).toEqual({ localCandidateType: "srflx", remoteCandidateType: "host", protocol: "tcp", relayProtocol: null });
    expect(
      selectedPathFromStats(
        stats([
          { id: "T1", type: "transport" },
          { id: "CP1", type: "candidate-pair", state: "in-progress" },
        ]),
      ),
    ).toBeNull();
  });
});

describe("the diagnostics transport", () => {
  it("resends after a 409 (the server lost a race and wrote nothing), 429 and 5xx; drops other refusals", async () => {
    const answers = [409, 429, 503, 413, 422, 202];
    const seen: SendResult[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () => new Response(null, { status: answers.shift()! })) as typeof fetch;
    try {
      const send = fetchTransport("/api/sessions/b1/diagnostics");
      for (let i = 0; i < 6; i++) seen.push(await send("{}", { keepalive: false }));
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(seen).toEqual(["retry", "retry", "retry", "drop", "drop", "ok"]);
  });
});

describe("a browser whose clock is wrong", () => {
  it("stamps its events on Booth's clock, from the offset one round trip measured", async () => {
    const { offsetFromRoundTrip } = await import("@/components/room/server-clock");
    const server = Date.parse("2026-12-02T10:00:00.000Z");
    const skew = 2 * 3_600_000 + 1234; // the browser is two hours and a bit ahead
    // A token request: sent at the browser's t, answered 300 ms later; the server stamped it halfway.
    const sentAt = server + skew - 150;
    const offset = offsetFromRoundTrip(new Date(server).toISOString(), sentAt, sentAt + 300);
    expect(offset).toBe(-skew);
    const browserNow = server + skew + 5000; // five seconds later, by the browser's clock
    const r = recorder();
    const rep = new DiagnosticsReporter(r.send, 2000, () => browserNow + offset);
    rep.report({ type: "reconnecting", seq: 1 });
    await rep.flush();
    expect(r.bodies[0]!.events[0]!.at).toBe(new Date(server + 5000).toISOString());
    expect(r.bodies[0]!.sentAt).toBe(new Date(server + 5000).toISOString());
    expect(Number.isNaN(offsetFromRoundTrip(undefined, 0, 1))).toBe(true);
  });
});
