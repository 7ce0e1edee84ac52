// GET/POST /api/auth/* – next-auth's own endpoints (session, csrf, credentials callback, sign-out)
import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/config";
import { route, withCappedBody } from "@/lib/http";
import { withLogContext } from "@/lib/logger";
import { requestIdOf } from "@/lib/request";

// Wrapped so next-auth's log lines carry the request id too; its form posts (sign-in, sign-out) also get
// the same-origin check and a body read through a cap, like every other route.
export const GET = (req: NextRequest) => withLogContext(requestIdOf(req.headers), () => handlers.GET(req));
export const POST = route("POST /api/auth/*", { maxBodyBytes: 8 * 1024 }, async (req) =>
  handlers.POST(await withCappedBody(req)),
);
