import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ReferenceRoom } from "@/components/bench/reference-room";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Reference room (bench)" };
export const dynamic = "force-dynamic";

/**
 * npm run bench:join's reference: a room built the way LiveKit Meet builds its room — LiveKit's stock
 * PreJoin, then a token from a bare signing route, then room.connect and the stock VideoConference — so
 * that the product's own room can be timed against it in the same run, on the same livekit-server and browser.
 * Bench only: 404 unless BOOTH_BENCH_ROUTES=1 (read at request time).
 */
export default async function ReferenceRoomPage({ searchParams }: { searchParams: Promise<{ room?: string }> }) {
  if (process.env.BOOTH_BENCH_ROUTES !== "1") notFound();
  const { room } = await searchParams;
  if (!room || !/^reference-[\w-]{1,54}$/.test(room)) notFound();
  return <ReferenceRoom room={room} serverUrl={env.LIVEKIT_PUBLIC_URL ?? env.LIVEKIT_URL} />;
}
