import "server-only";
import { unstable_rethrow } from "next/navigation";
import { AppError, GENERIC_FAULT, describeError } from "@/lib/errors";
import { logger, withLogContext } from "@/lib/logger";
import { currentRequestId } from "@/lib/request";
import { controlCharacterErrors } from "@/lib/schemas/text";

/** What every form's server action returns to useActionState. */
export type ActionState = {
  ok: boolean;
  message?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  /** The submitted values, so a form that failed keeps what the user typed. */
  values?: Record<string, string>;
};

function formValues(form?: FormData) {
  if (!form) return undefined;
  const values: Record<string, string> = {};
  for (const [k, v] of form.entries()) if (typeof v === "string" && !/password/i.test(k)) values[k] = v;
  return values;
}

/**
 * Runs a server action body with the request id on every log line, and turns its failure into
 * something a form can show: field errors for invalid input, the message of an AppError, or a
 * generic apology (logged). Redirects and other Next.js control flow pass through.
 */
export async function runAction(form: FormData | undefined, body: () => Promise<unknown>): Promise<ActionState> {
  return withLogContext(await currentRequestId(), async () => {
    try {
      // A control character in any field is refused by name before the action reads it: raw ids taken
      // straight from the form would otherwise reach PostgreSQL, which refuses NUL with an error.
      const fieldErrors = form ? controlCharacterErrors(form.entries()) : null;
      if (fieldErrors) throw new AppError("invalid", "Please fix the highlighted fields.", fieldErrors);
      const result = await body();
      const message = typeof result === "string" ? result : undefined;
      return { ok: true, message: message ?? undefined };
    } catch (err) {
      unstable_rethrow(err);
      const known = describeError(err);
      if (known) return { ok: false, message: known.message, fieldErrors: known.fieldErrors, values: formValues(form) };
      logger.error({ err }, "unhandled error in server action");
      return { ok: false, message: GENERIC_FAULT, values: formValues(form) };
    }
  });
}

/** FormData as a plain object for zod (checkboxes absent when unchecked). */
export function formObject(form: FormData) {
  return Object.fromEntries(form.entries());
}
