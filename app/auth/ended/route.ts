import { redirect } from "next/navigation";
import { signOut } from "@/lib/auth/config";
import { getSessionState } from "@/lib/auth/session";

// GET /auth/ended – clears a session the server no longer honours (suspended or revoked), then explains on the sign-in page.
// A live session is left alone, so a link or image elsewhere cannot sign anyone out.
export async function GET() {
  const state = await getSessionState();
  if (state.kind !== "revoked") redirect("/");
  await signOut({ redirectTo: `/signin?reason=${state.reason}` });
}
