import type { ActionState } from "@/lib/action";

/** The state a form starts with (kept apart from lib/action.ts, which is server-only). */
export const initialActionState: ActionState = { ok: false };
