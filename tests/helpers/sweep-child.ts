/**
 * The session sweep of one app replica, in a process of its own (tests/integration/two-apps.test.ts): the
 * same sweepSessions every `next start` runs on its SESSION_SWEEP_MS timer, with its own database pool and
 * outbox, driven by the test one line at a time so that two replicas sweep at the same moment with the same
 * clock. Prints {"ready":true} once connected, then reads commands on stdin:
 *   sweep <ISO time> <booking id>,<booking id>…   sweeps those bookings at that time and runs the effects it wrote
 * answering each with one JSON line: {"ok":true,"result":{…}} or {"ok":false,"error":"…"}.
 */
import readline from "node:readline";
import { db } from "@/lib/db";
import { sweepSessions } from "@/lib/sessions/lifecycle";
import { flushEffects } from "./effects";

await db.$queryRaw`SELECT 1`;
await flushEffects(); // wires the effect handlers, as the app's start does
console.log(JSON.stringify({ ready: true }));
for await (const line of readline.createInterface({ input: process.stdin })) {
  const [command, at, ids] = line.trim().split(" ");
  try {
    if (command !== "sweep" || !at || !ids) throw new Error(`unknown command: ${line}`);
    const result = await sweepSessions(new Date(at), { bookingIds: ids.split(",") });
    // What the sweep wrote and nudged (a no-show's refund, its mail) is done before the answer.
    await flushEffects();
    console.log(JSON.stringify({ ok: true, result }));
  } catch (err) {
    console.log(JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) }));
  }
}
await db.$disconnect();
process.exit(0);
