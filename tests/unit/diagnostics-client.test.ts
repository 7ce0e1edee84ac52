import { describe, expect, it } from "vitest";
import { DiagnosticsReporter, selectedPathFromStats, type SendResult } from "@/lib/sessions/diagnostics-client";
import { diagnosticsBatch, MAX_DIAGNOSTICS_BODY } from "@/lib/sessions/schemas";

function recorder(results: SendResult[] = []) {
  const bodies: { batchId: string; events: { type: string }[] }[] = [];
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
    for (let i = 0; i < 120; i++) rep.report({ type: "attempt_failed", stage: "ice", afterMs: i, message: "x".repeat(250), seq: 1, attempt: 1, joinId: "join-abcdef" });
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
});

const stats = (entries: Record<string, unknown>[]) => {
  const m = new Map(entries.map((e) => [e.id as string, e]));
  return { forEach: (cb: (v: Record<string, unknown>) => void) => m.forEach((v) => cb(v)), get: (id: string) => m.get(id) };
};

describe("the selected ICE path from WebRTC stats", () => {
  it("follows transport → selected pair → candidates, with the relay's protocol and URL", () => {
    const path = selectedPathFromStats(stats([
      { id: "T1", type: "transport", selectedCandidatePairId: "CP2" },
      { id: "CP1", type: "candidate-pair", localCandidateId: "L1", remoteCandidateId: "R1", state: "failed" },
      { id: "CP2", type: "candidate-pair", localCandidateId: "L2", remoteCandidateId: "R1", state: "succeeded" },
      { id: "L1", type: "local-candidate", candidateType: "host", protocol: "udp" },
      { id: "L2", type: "local-candidate", candidateType: "relay", protocol: "udp", relayProtocol: "udp", url: "turn:127.0.0.1:3478?transport=udp" },
      { id: "R1", type: "remote-candidate", candidateType: "host", protocol: "udp" },
    ]));
    expect(path).toEqual({ localCandidateType: "relay", remoteCandidateType: "host", protocol: "udp", relayProtocol: "udp", relayUrl: "turn:127.0.0.1:3478?transport=udp" });
  });

  it("falls back to the nominated succeeded pair, and is null before any pair is selected", () => {
    expect(selectedPathFromStats(stats([
      { id: "CP1", type: "candidate-pair", localCandidateId: "L1", remoteCandidateId: "R1", state: "succeeded", nominated: true },
      { id: "L1", type: "local-candidate", candidateType: "srflx", protocol: "tcp" },
      { id: "R1", type: "remote-candidate", candidateType: "host" },
    ]))).toEqual({ localCandidateType: "srflx", remoteCandidateType: "host", protocol: "tcp", relayProtocol: null });
    expect(selectedPathFromStats(stats([{ id: "T1", type: "transport" }, { id: "CP1", type: "candidate-pair", state: "in-progress" }]))).toBeNull();
  });
});
