/**
 * Recording completeness (pure): for each track that should have been recorded, how much of the time its
 * media flowed ended up in files. Media time is read from the trace (track published → unpublished, within
 * the creator's presence: recording starts only with the creator in the room); recorded time is the sum of
 * its recordings' durations that produced a file (a failed egress leaves none: Egress deletes its half-written
 * file; a retried egress adds its second file, and the gap between them is missing).
 *
 *   complete  recorded within TOLERANCE_MS of the media time
 *   partial   some recorded, some missing (missingShare says how much)
 *   failed    every egress of the track failed and recorded nothing
 *   missing   the track should have been recorded and no egress was started for it
 */
export const TOLERANCE_MS = 2000;

export type Verdict = "complete" | "partial" | "failed" | "missing";
export const verdictLabels: Record<Verdict, string> = {
  complete: "Complete",
  partial: "Partial",
  failed: "Failed",
  missing: "Missing",
};

export type Interval = { from: number; to: number };
export type TrackMedia = { trackSid: string; identity: string; source: string; published: Interval[] };
export type RecordingFacts = {
  egressId: string;
  trackSid: string | null;
  status: string;
  durationMs: number | null;
};
export type TrackVerdict = {
  trackSid: string;
  identity: string;
  source: string;
  verdict: Verdict;
  mediaMs: number;
  recordedMs: number;
  /** 0…1: the share of the media time not in any file. */
  missingShare: number;
};

/** The parts of `a` inside any of `b` (both lists of disjoint intervals). */
export function intersect(a: Interval[], b: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a)
    for (const y of b) {
      const from = Math.max(x.from, y.from);
      const to = Math.min(x.to, y.to);
      if (to > from) out.push({ from, to });
    }
  return out;
}

const total = (xs: Interval[]) => xs.reduce((n, x) => n + (x.to - x.from), 0);

/**
 * Verdicts for the tracks of one room. `expectAll`: every track published while the creator was present
 * should have been recorded (policy "always"); otherwise only tracks with a recording count (on request).
 */
export function judgeRecordings(input: {
  tracks: TrackMedia[];
  creatorPresent: Interval[];
  recordings: RecordingFacts[];
  expectAll: boolean;
}): TrackVerdict[] {
  const out: TrackVerdict[] = [];
  for (const t of input.tracks) {
    const mediaMs = total(intersect(t.published, input.creatorPresent));
    const mine = input.recordings.filter((r) => r.trackSid === t.trackSid);
    if (!mine.length && (!input.expectAll || mediaMs < TOLERANCE_MS)) continue;
    const withFile = mine.filter((r) => r.status !== "failed" && r.status !== "aborted");
    const recordedMs = withFile.reduce((n, r) => n + (r.durationMs ?? 0), 0);
    const base = { trackSid: t.trackSid, identity: t.identity, source: t.source, mediaMs, recordedMs };
    const missingShare = mediaMs > 0 ? Math.max(0, Math.min(1, 1 - recordedMs / mediaMs)) : 0;
    let verdict: Verdict;
    if (!mine.length) verdict = "missing";
    else if (withFile.length === 0) verdict = "failed";
    else if (recordedMs >= mediaMs - TOLERANCE_MS) verdict = "complete";
    else verdict = "partial";
    out.push({ ...base, verdict, missingShare: verdict === "complete" ? 0 : missingShare });
  }
  return out;
}

/** A room's verdict: the worst of its tracks' (null when nothing was to be recorded). */
export function roomVerdict(tracks: TrackVerdict[]): Verdict | null {
  for (const v of ["missing", "failed", "partial", "complete"] as const)
    if (tracks.some((t) => t.verdict === v)) return v;
  return null;
}

/**
 * Media intervals from trace events in time order: a track from its track.published to its track.unpublished
 * (or `end` when the room closed first); the creator's presence from each participant.joined to the matching
 * participant.left / connection_aborted.
 */
export function mediaFromTrace(
  events: { type: string; at: number; payload: Record<string, unknown> }[],
  end: number,
): { tracks: TrackMedia[]; creatorPresent: Interval[] } {
  const tracks = new Map<string, TrackMedia & { open: number | null }>();
  const creatorPresent: Interval[] = [];
  let creatorSince: number | null = null;
  let creatorsIn = 0;
  for (const e of events) {
    const p = e.payload;
    if (e.type === "track.published" || e.type === "track.unpublished") {
      const sid = String(p.trackSid ?? "");
      if (!sid) continue;
      const t = tracks.get(sid) ?? {
        trackSid: sid,
        identity: String(p.identity ?? ""),
        source: String(p.source ?? ""),
        published: [],
        open: null,
      };
      tracks.set(sid, t);
      if (e.type === "track.published" && t.open === null) t.open = e.at;
      if (e.type === "track.unpublished" && t.open !== null) {
        t.published.push({ from: t.open, to: e.at });
        t.open = null;
      }
    } else if (p.role === "creator") {
      if (e.type === "participant.joined") {
        if (creatorsIn++ === 0) creatorSince = e.at;
      } else if (e.type === "participant.left" || e.type === "participant.connection_aborted") {
        if (creatorsIn > 0 && --creatorsIn === 0 && creatorSince !== null) {
          creatorPresent.push({ from: creatorSince, to: e.at });
          creatorSince = null;
        }
      }
    }
  }
  if (creatorSince !== null && end > creatorSince) creatorPresent.push({ from: creatorSince, to: end });
  return {
    tracks: [...tracks.values()].map(({ open, ...t }) => ({
      ...t,
      published: open !== null && end > open ? [...t.published, { from: open, to: end }] : t.published,
    })),
    creatorPresent,
  };
}
