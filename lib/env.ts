/**
 * The environment, parsed once. next.config.ts imports this file, so a bad value stops
 * `next dev`, `next build` and `next start` with a message naming the variable.
 */
import { parseEnv, type Env } from "./env-schema";

export type { Env };
export const env: Env = parseEnv(process.env);
