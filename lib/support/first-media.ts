/**
 * Pure: how much of a participant's "join to first video" was spent waiting for the other side.
 * The browser measures from the press of Join to the first decoded remote frame; if the other side
 * turned their camera on only later (they joined late), that wait is theirs, not the connection's.
 * Support sees both figures, and the join-to-first-media metric counts from the later of the two.
 */
export type CameraOn = { role: string; at: Date };

export function waitedForOtherSideMs(
  firstMedia: { at: Date; msFromJoin: number; role: string },
  cameras: readonly CameraOn[],
): number {
  const clicked = firstMedia.at.getTime() - firstMedia.msFromJoin;
  let latest = -Infinity;
  for (const c of cameras) {
    const t = c.at.getTime();
    if (c.role !== firstMedia.role && t <= firstMedia.at.getTime() && t > latest) latest = t;
  }
  return latest === -Infinity ? 0 : Math.min(firstMedia.msFromJoin, Math.max(0, latest - clicked));
}

/** Camera publishes on a trace (LiveKit's track.published events whose source is the camera). */
export function camerasOn(events: readonly { type: string; payload: unknown; occurredAt: Date }[]): CameraOn[] {
  const out: CameraOn[] = [];
  for (const e of events) {
    if (e.type !== "track.published") continue;
    const p = (e.payload ?? {}) as { role?: unknown; source?: unknown };
    if (p.source === "camera" && typeof p.role === "string") out.push({ role: p.role, at: e.occurredAt });
  }
  return out;
}
