import { z } from "zod";

/** POST /api/sessions/:id/recording – the creator starts (true) or stops (false) recording (policy "on request"). */
export const setRecordingInput = z.object({ on: z.boolean() });
export type SetRecordingInput = z.infer<typeof setRecordingInput>;
