// The recording tests run against the real LiveKit Egress that `npm test` builds and starts for them; when it
// could not be had, they fail with the reason instead of passing without having recorded anything.
if (process.env.RECORDING_OFF_REASON) {
  throw new Error(
    `Recording is off in this run, so the recording tests cannot run: ${process.env.RECORDING_OFF_REASON}`,
  );
}
if (!process.env.EGRESS_PID) throw new Error("Run the recording tests with `npm test` (it starts LiveKit Egress).");
