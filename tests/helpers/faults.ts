/**
 * Tests that provoke a failure on purpose (a 451 from the SMTP server, a refund Stripe never answers)
 * run it inside expectFault: the error lines the code logs meanwhile, in this test process, go to debug
 * level instead, and one line says what was expected:
 *
 *   expected: SMTP server refuses with 451 (sends queued mail …) — 1 error line held back
 *
 * Errors logged anywhere else stay visible. (The app under test logs to its own file, next.log.)
 */
import fs from "node:fs";
import { expect } from "vitest";
import { expectedFault } from "@/lib/logger";

export async function expectFault<T>(
  what: string,
  fn: () => Promise<T>,
  write: (line: string) => void = (line) => fs.writeSync(1, line),
): Promise<T> {
  const fault = { what, errorsLogged: 0 };
  try {
    return await expectedFault.run(fault, fn);
  } finally {
    const test = expect.getState().currentTestName ?? "outside a test";
    const held = fault.errorsLogged
      ? ` — ${fault.errorsLogged} error line${fault.errorsLogged > 1 ? "s" : ""} held back`
      : "";
    write(`expected: ${what} (${test})${held}\n`);
  }
}
