import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { totpCode, totpStep } from "@/lib/auth/totp";
import { DEMO_ADMIN_TOTP_SECRET } from "../../prisma/seed";

/**
 * The second factor of every test account that has one (admins by default, see createUser) and of the
 * demo admin, so sign-in helpers can compute its code.
 */
export const TEST_TOTP_SECRET = DEMO_ADMIN_TOTP_SECRET;

const STEP_MS = 30_000;

/** One file per database, shared by every test process (they run side by side on one database). */
function ledgerFile() {
  const key = crypto
    .createHash("sha256")
    .update(process.env.DATABASE_URL ?? "")
    .digest("hex")
    .slice(0, 16);
  return path.join(os.tmpdir(), `booth-totp-steps-${key}.json`);
}

type Ledger = Record<string, number>;
/** Steps more than one behind the clock can no longer be used anyway: they are forgotten. */
const pruned = (ledger: Ledger): Ledger =>
  Object.fromEntries(Object.entries(ledger).filter(([, step]) => step >= totpStep() - 1));
const readLedger = (file: string): Ledger =>
  JSON.parse(fs.readFileSync(file, { encoding: "utf8", flag: "a+" }) || "{}");

/** Runs `fn` holding a lock (an atomic mkdir), bounded: a lock older than 10 s is a crashed holder's. */
async function withLock<T>(file: string, fn: () => T): Promise<T> {
  const lock = `${file}.lock`;
  for (let i = 0; i < 500; i++) {
    try {
      fs.mkdirSync(lock);
      try {
        return fn();
      } finally {
        fs.rmSync(lock, { recursive: true, force: true });
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 10_000) fs.rmSync(lock, { recursive: true, force: true });
      await sleep(20);
    }
  }
  throw new Error(`the TOTP step lock ${lock} stayed taken for 10 s`);
}

/** Whether the account signs in with a second factor (only then does a sign-in helper send a code). */
export async function hasSecondFactor(email: string) {
  const { db } = await import("@/lib/db");
  const user = await db.user.findFirst({
    where: { email: { equals: email, mode: "insensitive" } },
    select: { totpEnabledAt: true },
  });
  return Boolean(user?.totpEnabledAt);
}

/**
 * A code for `account` that the server has not accepted yet. The server takes each 30-second code once
 * (lib/auth/two-factor.ts), so the steps handed out are remembered per account: within one step an account
 * gets this step's code, then the next step's (the server accepts one step of drift either way); a third
 * sign-in waits for the clock to reach a step it may use (at most 30 s).
 */
export async function freshTestCode(account: string, secret = TEST_TOTP_SECRET): Promise<string> {
  const file = ledgerFile();
  const who = account.toLowerCase();
  for (let attempt = 0; attempt < 3; attempt++) {
    const step = await withLock(file, () => {
      const ledger = readLedger(file);
      const want = Math.max(totpStep(), (ledger[who] ?? Number.NEGATIVE_INFINITY) + 1);
      if (want > totpStep() + 1) return null;
      fs.writeFileSync(file, JSON.stringify(pruned({ ...ledger, [who]: want })));
      return want;
    });
    if (step !== null) return totpCode(secret, step * STEP_MS);
    await sleep(STEP_MS - (Date.now() % STEP_MS) + 50);
  }
  throw new Error(`no unused TOTP step for ${account} after three periods`);
}

/** Marks the step of `timestamp` as used for `account` (a code a test typed itself, e.g. while enrolling). */
export async function noteUsedStep(account: string, timestamp = Date.now()) {
  const file = ledgerFile();
  const who = account.toLowerCase();
  await withLock(file, () => {
    const ledger = readLedger(file);
    fs.writeFileSync(
      file,
      JSON.stringify(pruned({ ...ledger, [who]: Math.max(ledger[who] ?? 0, totpStep(timestamp)) })),
    );
  });
}
