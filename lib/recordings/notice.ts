import "server-only";
import { env } from "@/lib/env";
import { type RecordingPolicyName, recordingNotice } from "./rules/policy";

/** Whether this platform records at all (RECORDING_ENABLED=1: Egress is set up beside livekit-server). */
export const recordingAvailable = () => env.RECORDING_ENABLED === "1";

/**
 * The consent notice people see before paying and before joining: the offering's, where the platform
 * records; none where it cannot (no Egress), since a notice would promise a recording that is never made.
 */
export function platformRecordingNotice(policy: RecordingPolicyName): string | null {
  return recordingAvailable() ? recordingNotice(policy) : null;
}
