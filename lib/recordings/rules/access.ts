/**
 * Who may open a session's recording (pure). Admins may open any (with the two-step sign-in admins must
 * have), the session's creator their own sessions', and the session's viewer only where the operator lets
 * viewers watch (RECORDINGS_FOR_VIEWERS=1). Nobody else, ever.
 */
export type RecordingParties = { creatorUserId: string; viewerId: string };

export function mayOpenRecording(
  who: { id: string; fullAdmin: boolean },
  session: RecordingParties,
  viewersAllowed: boolean,
): boolean {
  if (who.fullAdmin) return true;
  if (who.id === session.creatorUserId) return true;
  return viewersAllowed && who.id === session.viewerId;
}
