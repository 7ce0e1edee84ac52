import { signOut } from "@/lib/auth/config";

// GET /auth/ended?reason=suspended|revoked – clears a session the server no longer honours, then explains on the sign-in page
export async function GET(req: Request) {
  const reason = new URL(req.url).searchParams.get("reason") === "suspended" ? "suspended" : "revoked";
  await signOut({ redirectTo: `/signin?reason=${reason}` });
}
