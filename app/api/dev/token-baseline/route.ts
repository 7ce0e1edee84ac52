import { randomUUID } from "node:crypto";
import { signJoinToken } from "@/lib/sessions/livekit";
import { serverTiming, timed, withTimings } from "@/lib/timing";

export const dynamic = "force-dynamic";

// GET|POST /api/dev/token-baseline – bench only (npm run bench:sessions): signs a LiveKit join token
// exactly as POST /api/sessions/:id/token does (same signJoinToken, grants and TTL), with no sign-in,
// no database and no rules, so the bench can say what the real endpoint costs on top of the signing.
// It exists only while BOOTH_BENCH_ROUTES=1 (read at request time, not at build); otherwise 404,
// in development and production alike.
const enabled = () => process.env.BOOTH_BENCH_ROUTES === "1";

// ?room=reference-<name> signs for that room: npm run bench:join's reference room (app/dev/reference-room)
// joins its publisher's room through it. Only reference rooms: never a session's or a show's.
async function handler(req: Request) {
  if (!enabled()) return Response.json({ error: "Not found.", code: "not_found" }, { status: 404 });
  const room = new URL(req.url).searchParams.get("room");
  if (room !== null && !/^reference-[\w-]{1,54}$/.test(room))
    return Response.json({ error: "room must be reference- and then 1–54 letters, digits, _ or -." }, { status: 400 });
  return withTimings(async () => {
    const id = randomUUID();
    const token = await timed("sign", () =>
      signJoinToken({
        roomName: room ?? `bench-${id}`,
        identity: id,
        name: "Bench",
        ttlSeconds: 300,
        metadata: { role: "viewer", bookingId: id, attempt: 1, seq: 1, policy: "all", joinId: null },
      }),
    );
    const timing = serverTiming();
    return Response.json(
      { token },
      { headers: { "cache-control": "no-store", ...(timing ? { "server-timing": timing } : {}) } },
    );
  });
}

export const GET = handler;
export const POST = handler;
