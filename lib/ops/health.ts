import "server-only";
import { RoomServiceClient } from "livekit-server-sdk";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

type Check = { ok: boolean; latencyMs: number; error?: string };

async function timed(fn: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  const start = performance.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs))]);
    return { ok: true, latencyMs: Math.round(performance.now() - start) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - start), error: (err as Error).message.split("\n")[0] };
  }
}

/** Whether the database and livekit-server answer. The database is required; media is reported. */
export async function checkHealth() {
  const livekitHttp = env.LIVEKIT_URL.replace(/^ws/, "http");
  const [database, livekit] = await Promise.all([
    timed(() => db.$queryRaw`SELECT 1`, 2000),
    timed(() => new RoomServiceClient(livekitHttp, env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET).listRooms(), 2000),
  ]);
  const status = database.ok && livekit.ok ? "ok" : database.ok ? "degraded" : "down";
  return { status, checks: { database, livekit } } as const;
}
