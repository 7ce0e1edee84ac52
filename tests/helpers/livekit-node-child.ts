/**
 * Booth's own LiveKit room calls (lib/sessions/livekit.ts), in a process whose LIVEKIT_URL points at one
 * node of a cluster (tests/integration/livekit-cluster.test.ts). lib/env.ts reads the environment once per
 * process, so each node gets a process of its own. Usage:
 *   create <room>   ensureLivekitRoom: opens the room (as a token request inside the window would)
 *   close <room>    closeRoom: ends it for everyone
 *   token <booking id> <user id>   issueSessionToken: Booth's token endpoint's service for that user (it
 *                   opens the room through this node and answers with this node's URL)
 * Prints one JSON line: {"ok":true} ({"ok":true,"token":…,"url":…} for token) or {"ok":false,"error":"…"}.
 */
import { getActorOrThrow } from "@/lib/auth/queries";
import { closeRoom, ensureLivekitRoom } from "@/lib/sessions/livekit";
import { issueSessionToken } from "@/lib/sessions/service";

const [command, room, userId] = process.argv.slice(2);
try {
  let extra = {};
  if (command === "create") await ensureLivekitRoom(room!, new Date(Date.now() + 10 * 60_000));
  else if (command === "close") await closeRoom(room!);
  else if (command === "token") {
    const t = await issueSessionToken(await getActorOrThrow(userId!), room!, {});
    extra = { token: t.token, url: t.url, roomName: t.roomName };
  } else throw new Error(`unknown command ${command}`);
  console.log(JSON.stringify({ ok: true, ...extra }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, error: err instanceof Error ? err.message : String(err) }));
}
process.exit(0);
