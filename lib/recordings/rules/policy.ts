/**
 * Recording policy and what people are told about it (pure). The creator chooses per offering; viewers see the
 * notice before they pay and again before they join; the room shows an indicator while a recording runs.
 */
export const recordingPolicies = ["never", "on_request", "always"] as const;
export type RecordingPolicyName = (typeof recordingPolicies)[number];

export const recordingPolicyLabels: Record<RecordingPolicyName, string> = {
  never: "Never record",
  on_request: "Record when I start it in the room",
  always: "Always record",
};

/** The consent notice for an offering's sessions; null when they are never recorded. */
export function recordingNotice(policy: RecordingPolicyName): string | null {
  if (policy === "always") return "This session is recorded. The recording is kept for review and then deleted.";
  if (policy === "on_request")
    return "This session may be recorded: the creator can start recording in the room, and everyone is told when it starts.";
  return null;
}

/** Whether a room should be recording now: the policy allows it, recording was asked for (or is always on), and the creator is there. */
export function shouldRecord(input: { policy: RecordingPolicyName; requested: boolean; creatorPresent: boolean }) {
  if (input.policy === "never" || !input.creatorPresent) return false;
  return input.policy === "always" || input.requested;
}

/** When a recording made at `endedAt` is deleted: the offering's own period, else the brand's; null keeps it. */
export function retainUntil(endedAt: Date, offeringDays: number | null, brandDays: number): Date | null {
  const days = offeringDays ?? brandDays;
  if (!days) return null;
  return new Date(endedAt.getTime() + days * 86_400_000);
}
