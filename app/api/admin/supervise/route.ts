import { requireRole } from "@/lib/auth/session";
import { readJson, route } from "@/lib/http";
import { superviseRoom } from "@/lib/sessions/supervision";

// POST /api/admin/supervise – an admin's hidden, subscribe-only token to watch a live room { bookingId } or { eventId }.
// 200 { token, url, roomName, identity, expiresAt }; 403 for anyone but an admin with two-step sign-in; 409 when the room is not open.
export const POST = route("POST /api/admin/supervise", async (req) => {
  const admin = await requireRole("admin");
  return Response.json(await superviseRoom(admin, await readJson(req)));
});
