import "server-only";
import { RoomServiceClient } from "livekit-server-sdk";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";

type Check = { ok: boolean; latencyMs: number; error?: string };

async function timed(fn: () => Promise<unknown>, timeoutMs: number): Promise<Check> {
  const start = performance.now();
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)),
    ]);
    return { ok: true, latencyMs: Math.round(performance.now() - start) };
  } catch (err) {
    // The cause goes to the log; the public answer says only that the part did not answer.
    logger.warn({ err }, "health check failed");
    return { ok: false, latencyMs: Math.round(performance.now() - start), error: "unreachable" };
  }
}

/**
 * Whether the database and livekit-server answer. The database is required ("down" without it);
 * without media the app still serves every other page ("degraded").
 */
export async function checkHealth(
  livekit = { url: env.LIVEKIT_URL, key: env.LIVEKIT_API_KEY, secret: env.LIVEKIT_API_SECRET },
) {
  const livekitHttp = livekit.url.replace(/^ws/, "http");
  const [database, livekitCheck] = await Promise.all([
    timed(() => db.$queryRaw`SELECT 1`, 2000),
    timed(() => new RoomServiceClient(livekitHttp, livekit.key, livekit.secret).listRooms(), 2000),
  ]);
  const status = database.ok && livekitCheck.ok ? "ok" : database.ok ? "degraded" : "down";
  return { status, checks: { database, livekit: livekitCheck } } as const;
}
