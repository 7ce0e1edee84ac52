import "server-only";
import { unstable_rethrow } from "next/navigation";
import { ZodError, z } from "zod";
import { AppError } from "@/lib/errors";
import { requestLogger } from "@/lib/request";

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
 * Runs a server action body and turns its failure into something a form can show:
 * field errors for invalid input, the message of an AppError, or a generic apology (logged).
 * Redirects and other Next.js control flow pass through.
 */
export async function runAction(form: FormData | undefined, body: () => Promise<string | void>): Promise<ActionState> {
  try {
    const message = await body();
    return { ok: true, message: message ?? undefined };
  } catch (err) {
    unstable_rethrow(err);
    const values = formValues(form);
    if (err instanceof ZodError) {
      return { ok: false, message: "Please fix the highlighted fields.", fieldErrors: z.flattenError(err).fieldErrors as Record<string, string[]>, values };
    }
    if (err instanceof AppError) return { ok: false, message: err.message, fieldErrors: err.fieldErrors, values };
    (await requestLogger()).error({ err }, "unhandled error in server action");
    return { ok: false, message: "Something went wrong on our side. Try again in a moment.", values };
  }
}

/** FormData as a plain object for zod (checkboxes absent when unchecked). */
export function formObject(form: FormData) {
  return Object.fromEntries(form.entries());
}
