/**
 * Named crash points for the fault tests: with BOOTH_FAULTS=<point>[,<point>…] in a process that is not
 * production, reaching the point kills the process on the spot (SIGKILL: no cleanup, no finally), the way
 * a power cut or an OOM kill would. The tests then check that nothing was lost or done twice.
 */
export type FaultPoint =
  /** A change and its outbox effect are committed; the process dies before anything runs the effect. */
  | "effects.after-commit"
  /** A worker carried out an effect (called Stripe, LiveKit) and dies before recording that it did. */
  | "effects.after-run";

export function fault(point: FaultPoint) {
  const points = process.env.BOOTH_FAULTS;
  if (!points || process.env.NODE_ENV === "production") return;
  if (!points.split(",").includes(point)) return;
  process.stderr.write(`expected: crash injected at ${point} (BOOTH_FAULTS)\n`);
  process.kill(process.pid, "SIGKILL");
}
