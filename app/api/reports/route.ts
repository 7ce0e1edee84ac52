import { requireUser } from "@/lib/auth/session";
import { readJson, route } from "@/lib/http";
import { fileReport } from "@/lib/moderation/reports";

// POST /api/reports – report the other side of a booking (from the room, without leaving the call) or a creator.
// 201 { id, message }; 404 for a booking the caller is not a party of; 422 names the bad field; 429 past 10 an hour.
export const POST = route("POST /api/reports", async (req) => {
  const user = await requireUser();
  return Response.json(await fileReport(user, await readJson(req)), { status: 201 });
});
