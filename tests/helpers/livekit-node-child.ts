/**
 * Booth's own LiveKit room calls (lib/sessions/livekit.ts), in a process whose LIVEKIT_URL points at one
 * node of a cluster (tests/integration/livekit-cluster.test.ts). lib/env.ts reads the environment once per
 * process, so each node gets a process of its own. Usage:
 *   create <room>   ensureLivekitRoom: opens the room (as a token request inside the window would)
 *   close <room>    closeRoom: ends it for everyone
 * Prints one JSON line: {"ok":true} or {"ok":false,"error":"…"}.
 */
import { closeRoom, ensureLivekitRoom } from "@/lib/sessions/livekit";

const [command, room] = process.argv.slice(2);
try {
  if (command === "create") await ensureLivekitRoom(room!, new Date(Date.now() + 10 * 60_000));
  else if (command === "close") await closeRoom(room!);
  else throw new Error(`unknown command ${command}`);
  console.log(JSON.stringify({ ok: true }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) }));
}
process.exit(0);
