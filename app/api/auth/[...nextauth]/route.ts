// GET/POST /api/auth/* – next-auth's own endpoints (session, csrf, credentials callback, sign-out)
import type { NextRequest } from "next/server";
import { handlers } from "@/lib/auth/config";
import { withLogContext } from "@/lib/logger";
import { requestIdOf } from "@/lib/request";

// Wrapped so next-auth's log lines carry the request id too.
export const GET = (req: NextRequest) => withLogContext(requestIdOf(req.headers), () => handlers.GET(req));
export const POST = (req: NextRequest) => withLogContext(requestIdOf(req.headers), () => handlers.POST(req));
